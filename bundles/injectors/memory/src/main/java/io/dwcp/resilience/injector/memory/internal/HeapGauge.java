package io.dwcp.resilience.injector.memory.internal;

/** Reads the heap: the real JVM's, or a test's fake. */
interface HeapGauge {

    /** @return the maximum heap, bytes */
    long max();

    /** @return the heap in use now, bytes */
    long used();

    /** The running JVM. */
    HeapGauge JVM = new HeapGauge() {
        @Override
        public long max() {
            return Runtime.getRuntime().maxMemory();
        }

        @Override
        public long used() {
            Runtime r = Runtime.getRuntime();
            return r.totalMemory() - r.freeMemory();
        }
    };
}
