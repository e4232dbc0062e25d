/**
 * ResourceGuard core: tracked handles with owners, deadlines, cancel and close; leak detection;
 * quotas; diagnostics. The API is {@code dev.resourceguard}; adapters use {@code dev.resourceguard.spi};
 * {@code dev.resourceguard.internal} is not exported.
 */
module dev.resourceguard {
    requires org.slf4j;
    requires java.management;
    requires jdk.management;
    requires jdk.jfr;
    requires static jdk.attach;
    requires static micrometer.core;

    exports dev.resourceguard;
    exports dev.resourceguard.spi;
    exports dev.resourceguard.micrometer;
    exports dev.resourceguard.tools;
}
