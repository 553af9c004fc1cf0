package io.dwcp.resilience.health.internal.felix;

/** Shows checks to a foreign health tool; the bridge talks to it without knowing the tool's types. */
interface Publisher {

    /** @param check a check's name to show */
    void publish(String check);

    /** @param check a check's name to show no more */
    void unpublish(String check);

    /** Shows nothing any more. */
    void close();
}
