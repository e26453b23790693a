package org.botsec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Every command's help, checked over the whole command tree: every example line printed as written (never re-wrapped
 * inside a token, so it can be pasted), no option listed twice, and an example for every runnable command.
 */
class HelpTextTest {
    @Test
    void examplesFitOnALineAndOptionsAppearOnce() {
        List<String> problems = new ArrayList<>();
        walk(Botsec.commandLine(), problems);
        assertEquals(List.of(), problems);
    }

    private static void walk(CommandLine cl, List<String> problems) {
        String name = cl.getCommandSpec().qualifiedName();
        String help = cl.getUsageMessage(CommandLine.Help.Ansi.OFF);
        for (String footer : cl.getCommandSpec().usageMessage().footer()) {
            for (String line : String.format(footer).split("\n")) {
                if (!help.contains(line)) {
                    problems.add(name + ": example line not printed as written: " + line);
                }
            }
        }
        Set<String> seen = new HashSet<>();
        for (String line : help.split("\n")) {
            String t = line.strip();
            if (t.startsWith("--") || t.startsWith("-")) {
                String opt = t.split("[ =,]")[0];
                if (!seen.add(opt + "|" + t)) {
                    problems.add(name + ": option listed twice: " + opt);
                }
            }
        }
        boolean runnable = cl.getCommandSpec().userObject() instanceof java.util.concurrent.Callable<?>;
        if (runnable && !help.contains("Example")) {
            problems.add(name + ": no example in --help");
        }
        for (CommandLine sub : cl.getSubcommands().values()) {
            if (!sub.getCommandName().equals("help")) {
                walk(sub, problems);
            }
        }
    }

    /** The fast path of {@code botsec --help} (no option model of any command) prints exactly the full tree's help. */
    @Test
    void fastTopLevelHelpIsTheFullHelp() {
        String full = Botsec.commandLine().getUsageMessage(CommandLine.Help.Ansi.OFF);
        String fast = Botsec.topLevelHelp().getUsageMessage(CommandLine.Help.Ansi.OFF);
        assertEquals(full, fast);
        assertTrue(fast.contains("train") && fast.contains("serve"), fast);
    }

    @Test
    void epochsAndStepsStillExclusive() {
        CliRun both = CliRun.run("privacy", "epsilon", "--sample-size", "1000", "--batch-size", "10",
                "--noise-multiplier", "1", "--delta", "1e-5", "--epochs", "1", "--steps", "3");
        assertEquals(ExitCode.BAD_INPUT, both.code());
        assertTrue(both.err().contains("mutually exclusive"), both.err());
        CliRun none = CliRun.run("privacy", "epsilon", "--sample-size", "1000", "--batch-size", "10",
                "--noise-multiplier", "1", "--delta", "1e-5");
        assertEquals(ExitCode.BAD_INPUT, none.code());
        assertTrue(none.err().contains("give --epochs E or --steps T"), none.err());
    }
}
