package org.botsec.cli.launcher;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.stream.Collectors;

/** The main class of the stand-in jar that {@link LauncherTest} runs through {@code bin/botsec}: prints what it got. */
public final class LauncherProbe {
    private LauncherProbe() {
    }

    public static void main(String[] args) {
        String gcs = ManagementFactory.getGarbageCollectorMXBeans().stream().map(GarbageCollectorMXBean::getName)
                .collect(Collectors.joining(","));
        long initialHeap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getInit();
        System.out.println("probe ok args=" + String.join(" ", args) + " gc=" + gcs + " init=" + (initialHeap >> 20) + "m");
        System.exit(args.length > 0 && args[args.length - 1].equals("fail") ? 2 : 0);
    }
}
