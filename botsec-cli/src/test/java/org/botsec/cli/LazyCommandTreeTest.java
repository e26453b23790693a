package org.botsec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@link Botsec#commandLine(String...)} registers only the command (and, in a group, the subcommand) that the
 * arguments name. Reference: the whole tree ({@link Botsec#commandLine()}). For every command and subcommand, the
 * tree built for {@code botsec CMD SUB} must give the same qualified name, help text and options.
 */
class LazyCommandTreeTest {
    @Test
    void everySubcommandIsTheSameInTheSmallTree() {
        CommandLine full = Botsec.commandLine();
        int groupsChecked = 0;
        List<String> lazyPaths = new ArrayList<>();
        for (Map.Entry<String, CommandLine> top : full.getSubcommands().entrySet()) {
            String cmd = top.getKey();
            if (cmd.equals("help")) {
                continue;
            }
            CommandLine small = Botsec.commandLine(cmd);
            assertSame(top.getValue(), small.getSubcommands().get(cmd));
            for (Map.Entry<String, CommandLine> sub : top.getValue().getSubcommands().entrySet()) {
                String name = sub.getKey();
                CommandLine tree = Botsec.commandLine(cmd, name, "--help");
                CommandLine group = tree.getSubcommands().get(cmd);
                assertNotNull(group, cmd + " " + name);
                CommandLine got = group.getSubcommands().get(name);
                assertNotNull(got, cmd + " " + name);
                assertSame(sub.getValue(), got);
                if (group.getSubcommands().size() < top.getValue().getSubcommands().size()) {
                    lazyPaths.add(cmd + " " + name);
                }
            }
            groupsChecked++;
        }
        assertTrue(groupsChecked >= 10, "groups checked: " + groupsChecked);
        // the point of it: the README's explanation builds one of explain's subcommands
        assertTrue(lazyPaths.contains("explain lime-text"), lazyPaths.toString());
        assertTrue(!lazyPaths.contains("models help"), lazyPaths.toString());
    }

    @Test
    void misspelledSubcommandStillGetsSuggestions() {
        CliRun r = CliRun.run("explain", "lime-txt", "--model", "m.safetensors");
        assertEquals(ExitCode.BAD_INPUT, r.code());
        assertTrue(r.err().contains("lime-text"), r.err());
    }

    private static void assertSame(CommandLine expected, CommandLine actual) {
        String where = expected.getCommandSpec().qualifiedName();
        assertEquals(where, actual.getCommandSpec().qualifiedName());
        assertEquals(expected.getUsageMessage(CommandLine.Help.Ansi.OFF), actual.getUsageMessage(CommandLine.Help.Ansi.OFF),
                where);
        assertEquals(names(expected), names(actual), where);
    }

    private static List<String> names(CommandLine cl) {
        List<String> n = new ArrayList<>();
        cl.getCommandSpec().options().forEach(o -> n.add(String.join("|", o.names()) + " arity " + o.arity()
                + " required " + o.required() + " default " + o.defaultValue()));
        cl.getCommandSpec().positionalParameters().forEach(p -> n.add(p.paramLabel() + " " + p.index()));
        return n;
    }
}
