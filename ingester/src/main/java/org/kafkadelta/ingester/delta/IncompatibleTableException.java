package org.kafkadelta.ingester.delta;

import org.kafkadelta.ingester.IngesterException;

/** The table at the given location cannot take bronze rows (schema, partitioning or table features differ). */
public final class IncompatibleTableException extends IngesterException {
  public IncompatibleTableException(String message) {
    super(message);
  }

  public IncompatibleTableException(String message, Throwable cause) {
    super(message, cause);
  }
}
