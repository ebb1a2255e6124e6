package org.kafkadelta.ingester.it;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.kafkadelta.testkit.EmbeddedKafka;

/**
 * Injects one real embedded KRaft broker shared by every integration test of the run (started on first
 * use, stopped when the run ends). Tests isolate themselves with their own topics, app ids and tables.
 */
public final class SharedKafka implements ParameterResolver {
  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == EmbeddedKafka.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return context.getRoot().getStore(ExtensionContext.Namespace.create(SharedKafka.class))
        .getOrComputeIfAbsent("broker", key -> new Broker(EmbeddedKafka.start()), Broker.class).kafka;
  }

  /** Lets JUnit close the broker when the root context closes. */
  private record Broker(EmbeddedKafka kafka) implements ExtensionContext.Store.CloseableResource {
    @Override
    public void close() {
      kafka.close();
    }
  }
}
