package io.dwcp.resilience.transport.internal;

/** Where the network engine reports what an operator should see; the DS component maps it to its Logger. */
interface TransportLog {

    void info(String message);

    void warn(String message);

    void error(String message);

    /** Prints to stderr: for tests. */
    TransportLog STDERR = new TransportLog() {
        @Override
        public void info(String message) {
        }

        @Override
        public void warn(String message) {
            System.err.println("WARN " + message);
        }

        @Override
        public void error(String message) {
            System.err.println("ERROR " + message);
        }
    };
}
