package dev.resourceguard.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MemoryLimitsTest {
    @TempDir
    Path dir;

    private Path write(String relative, String content) throws IOException {
        Path p = dir.resolve(relative);
        Files.createDirectories(p.getParent());
        Files.writeString(p, content);
        return p;
    }

    private MemoryLimits.Limit limit(OptionalLong mb) {
        return MemoryLimits.processLimit(mb, dir.resolve("proc-self-cgroup"), dir.resolve("cgroup"));
    }

    @Test
    void cgroupV2ReadsMemoryMaxOfTheProcessGroup() throws IOException {
        write("proc-self-cgroup", "0::/kubepods/pod1/app\n");
        write("cgroup/cgroup.controllers", "cpu memory pids\n");
        write("cgroup/kubepods/pod1/app/memory.max", "536870912\n");
        write("cgroup/memory.max", "max\n");
        MemoryLimits.Limit l = limit(OptionalLong.empty());
        assertEquals(512L << 20, l.bytes());
        assertEquals("cgroup v2 memory.max", l.source());
    }

    @Test
    void cgroupV2FallsBackToTheRootFileInsideAContainer() throws IOException {
        write("proc-self-cgroup", "0::/\n");
        write("cgroup/cgroup.controllers", "memory\n");
        write("cgroup/memory.max", "1073741824\n");
        assertEquals(1L << 30, limit(OptionalLong.empty()).bytes());
    }

    @Test
    void cgroupV2MaxMeansNoLimit() throws IOException {
        write("proc-self-cgroup", "0::/\n");
        write("cgroup/cgroup.controllers", "memory\n");
        write("cgroup/memory.max", "max\n");
        MemoryLimits.Limit l = limit(OptionalLong.empty());
        assertFalse(l.exists());
        assertEquals("none", l.source());
    }

    @Test
    void cgroupV1ReadsLimitInBytes() throws IOException {
        write("proc-self-cgroup", "12:pids:/\n4:memory:/process_api/abc\n0::/\n");
        write("cgroup/memory/process_api/abc/memory.limit_in_bytes", "268435456\n");
        MemoryLimits.Limit l = limit(OptionalLong.empty());
        assertEquals(256L << 20, l.bytes());
        assertEquals("cgroup v1 memory.limit_in_bytes", l.source());
    }

    @Test
    void cgroupV1CombinedControllersAndRootFallback() throws IOException {
        write("proc-self-cgroup", "5:memory,hugetlb:/gone\n");
        write("cgroup/memory/memory.limit_in_bytes", "134217728\n");
        assertEquals(128L << 20, limit(OptionalLong.empty()).bytes());
    }

    @Test
    void cgroupV1HugeValueMeansNoLimit() throws IOException {
        write("proc-self-cgroup", "4:memory:/\n");
        write("cgroup/memory/memory.limit_in_bytes", "9223372036854771712\n");
        assertFalse(limit(OptionalLong.empty()).exists());
    }

    @Test
    void missingFilesMeanNoLimit() {
        assertFalse(limit(OptionalLong.empty()).exists());
    }

    @Test
    void garbageMeansNoLimit() throws IOException {
        write("proc-self-cgroup", "0::/\n");
        write("cgroup/cgroup.controllers", "memory\n");
        write("cgroup/memory.max", "lots\n");
        assertFalse(limit(OptionalLong.empty()).exists());
    }

    @Test
    void maxMemoryUsageMbOverridesTheContainerLimit() throws IOException {
        write("proc-self-cgroup", "0::/\n");
        write("cgroup/cgroup.controllers", "memory\n");
        write("cgroup/memory.max", "1073741824\n");
        MemoryLimits.Limit l = limit(OptionalLong.of(300));
        assertEquals(300L << 20, l.bytes());
        assertEquals("MAX_MEMORY_USAGE_MB", l.source());
        assertTrue(l.exists());
    }

    @Test
    void processMemoryReadsVmRss() throws IOException {
        Path status = write("status", "Name:\tjava\nVmRSS:\t  123456 kB\nThreads:\t9\n");
        assertEquals(123456L * 1024, ProcessMemory.residentBytes(status));
        assertEquals(-1, ProcessMemory.residentBytes(dir.resolve("missing")));
    }
}
