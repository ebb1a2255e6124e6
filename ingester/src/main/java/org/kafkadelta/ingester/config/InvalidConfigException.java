package org.kafkadelta.ingester.config;

import java.util.List;
import org.kafkadelta.ingester.IngesterException;

/** One or more settings are invalid. The CLI prints one line per problem and exits with code 2. */
public final class InvalidConfigException extends IngesterException {
  private final List<String> problems;

  public InvalidConfigException(List<String> problems) {
    super(String.join(System.lineSeparator(), problems));
    this.problems = List.copyOf(problems);
  }

  public InvalidConfigException(String problem) {
    this(List.of(problem));
  }

  /** Each problem as one self-contained line: the option, the value, what is allowed. */
  public List<String> problems() {
    return problems;
  }
}
