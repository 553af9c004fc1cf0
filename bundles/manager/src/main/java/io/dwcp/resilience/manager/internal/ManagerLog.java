package io.dwcp.resilience.manager.internal;

/** Where the manager's core reports what an operator should read; the DS component sends it to the OSGi log. */
interface ManagerLog {

    void info(String message);

    void warn(String message);

    void error(String message, Throwable cause);
}
