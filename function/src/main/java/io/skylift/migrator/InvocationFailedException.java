package io.skylift.migrator;

/**
 * Makes a direct invocation fail (Lambda reports {@code FunctionError}, the pipeline step fails). The message is
 * what the operator reads: it names the failing migration and the database's error, and holds no secret.
 * It carries no cause, so nothing unredacted travels with it into Lambda's error output.
 */
final class InvocationFailedException extends RuntimeException {
    public InvocationFailedException(String message) {
        super(message, null, false, true);
    }
}
