/**
 * ResourceGuard for JDBC: wraps any {@code DataSource} so that connections and statements are tracked
 * handles. The API is {@code dev.resourceguard.jdbc}; HikariCP is optional (pool counts and eviction when
 * present).
 */
module dev.resourceguard.jdbc {
    requires transitive dev.resourceguard;
    requires transitive java.sql;
    requires org.slf4j;
    requires static com.zaxxer.hikari;

    exports dev.resourceguard.jdbc;
}
