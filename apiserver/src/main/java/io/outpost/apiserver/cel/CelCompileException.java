package io.outpost.apiserver.cel;

/**
  * An expression that does not compile. {@link #getMessage()} is the compiler's report as
  * kube-apiserver shows it after {@code "compilation failed: "}: one
  * {@code ERROR: <input>:line:column: text} block per issue, each followed by the source line and a
  * caret under the column.
  */
public final class CelCompileException extends Exception {

    private static final long serialVersionUID = 1L;

    public CelCompileException(String message) {
        super(message);
    }
}
