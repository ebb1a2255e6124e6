package org.kafkadelta.ingester;

/**
 * Root of the ingester's own failures. Every message says what could not be done, the offending value
 * and what the operator can do about it.
 */
public class IngesterException extends RuntimeException {
  public IngesterException(String message) {
    super(message);
  }

  public IngesterException(String message, Throwable cause) {
    super(message, cause);
  }
}
