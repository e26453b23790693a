package org.botsec.cli.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The launcher the demo's "Next:" hints name must work from the folder the demo was run in. */
class DemoHintsTest {
    @Test
    void launcherIsRelativeOnlyBelowTheCurrentFolder() {
        assertEquals("bin/botsec", DemoCommand.launcher("/repo/bin/botsec", Path.of("/repo")));
        assertEquals("/repo/bin/botsec", DemoCommand.launcher("/repo/bin/botsec", Path.of("/home/me/work")));
        assertEquals("/repo/bin/botsec", DemoCommand.launcher("/repo/bin/../bin/botsec", Path.of("/repo/docs")));
        assertEquals("'/my repo/bin/botsec'", DemoCommand.launcher("/my repo/bin/botsec", Path.of("/tmp")));
        assertEquals("botsec", DemoCommand.launcher(null, Path.of("/tmp")));
    }
}
