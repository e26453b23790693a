package org.botsec.cli;

import java.io.PrintWriter;
import java.util.List;
import org.botsec.core.BadInputException;
import org.botsec.core.ThresholdException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code botsec} command: groups and commands per DESIGN.md.
 *
 * <p>Building picocli's model of every command costs about 0.2 s of a cold start, so {@link #commandLine(String...)}
 * registers only the top-level command the arguments name; help, a misspelled command and no arguments get the
 * whole tree.
 */
@Command(name = "botsec", mixinStandardHelpOptions = true, versionProvider = Botsec.Version.class,
        description = "BotSec: train privately, explain, attack-test and guard AI bots.")
public final class Botsec implements Runnable {
    /** netlib announces its BLAS backend at INFO through java.util.logging; held here so the level sticks. */
    private static final java.util.logging.Logger NETLIB_LOG = java.util.logging.Logger.getLogger("dev.ludovic.netlib");

    /** The top-level commands, in the order {@code botsec --help} lists them. */
    static final List<Class<?>> COMMANDS = List.of(
            org.botsec.cli.core.TrainCommand.class,
            org.botsec.cli.core.PredictCommand.class,
            org.botsec.cli.core.EvalCommand.class,
            org.botsec.cli.core.ModelsCommand.class,
            org.botsec.cli.core.DemoCommand.class,
            org.botsec.cli.privacy.PrivacyCommand.class,
            org.botsec.cli.explain.ExplainCommand.class,
            org.botsec.cli.attack.AttackCommand.class,
            org.botsec.cli.audit.AuditCommand.class,
            org.botsec.cli.fl.FlCommand.class,
            org.botsec.cli.guard.GuardCommand.class,
            org.botsec.cli.guard.AuditLogCommand.class,
            org.botsec.cli.server.ServeCommand.class);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        // --version and the top-level help are what a new user runs first and most often: answer them without
        // building picocli's model of every command (docs/benchmarks.md, "Start-up")
        if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
            System.out.println(new Version().getVersion()[0]);
            System.exit(ExitCode.OK);
        }
        if (args.length == 0 || args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
            PrintWriter out = new PrintWriter(System.out, true);
            topLevelHelp().usage(out);
            out.flush();
            System.exit(ExitCode.OK);
        }
        NETLIB_LOG.setLevel(java.util.logging.Level.WARNING); // before the read-ahead may pick a BLAS backend
        Preload.start(args);
        System.exit(execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /**
     * The top-level command with each command known only by the name and description of its {@code @Command}
     * annotation: prints the same top-level help as {@link #commandLine()} (HelpTextTest compares them) without
     * reflecting over every command's options.
     */
    static CommandLine topLevelHelp() {
        CommandLine cl = new CommandLine(new Botsec());
        cl.addSubcommand(new CommandLine.HelpCommand());
        for (Class<?> c : COMMANDS) {
            Command a = c.getAnnotation(Command.class);
            CommandLine.Model.CommandSpec sub = CommandLine.Model.CommandSpec.create().name(a.name());
            sub.usageMessage().description(a.description());
            cl.addSubcommand(a.name(), sub);
        }
        verbatimFooters(cl);
        return cl;
    }

    /** Runs the CLI with the given writers; returns the exit code. Tests call this. */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        args = org.botsec.cli.fl.FlCommand.routeFlowerClient(args);
        CommandLine cl = commandLine(args);
        cl.setOut(out);
        cl.setErr(err);
        return run(cl, err, args);
    }

    /** Executes {@code cl}; a heap exhausted anywhere ends in one line with the fix instead of a stack trace. */
    static int run(CommandLine cl, PrintWriter err, String... args) {
        try {
            return cl.execute(args);
        } catch (OutOfMemoryError e) {
            err.println(outOfMemoryMessage(Runtime.getRuntime().maxMemory()));
            err.flush();
            return ExitCode.INTERNAL_ERROR;
        }
    }

    /** The one line printed when the heap runs out, with the fix. */
    static String outOfMemoryMessage(long maxHeapBytes) {
        return String.format(java.util.Locale.ROOT, "botsec: out of memory (Java heap limit %d MB); give the JVM more, "
                + "e.g. BOTSEC_JAVA_OPTS=-Xmx8g bin/botsec ..., or use smaller inputs", maxHeapBytes >> 20);
    }

    /** The whole configured command line, with the exception handlers that map errors to exit codes. */
    public static CommandLine commandLine() {
        return commandLine(new String[0]);
    }

    /**
     * The configured command line for these arguments: only the top-level command they name (and, in a group, only the
     * subcommand they name: {@link #groupWithOnly}), or every command when they name none (help, a misspelling, no
     * arguments). {@code botsec help} is registered only with the whole tree: once the first argument names a
     * command, picocli parses the rest in that command, so the top-level {@code help} cannot be reached.
     */
    static CommandLine commandLine(String... args) {
        CommandLine cl = new CommandLine(new Botsec());
        String first = args.length == 0 || args[0].startsWith("-") ? null : args[0];
        Class<?> named = null;
        for (Class<?> c : COMMANDS) {
            if (c.getAnnotation(Command.class).name().equals(first)) {
                named = c;
                break;
            }
        }
        if (named == null) {
            cl.addSubcommand(new CommandLine.HelpCommand());
            for (Class<?> c : COMMANDS) {
                cl.addSubcommand(c);
            }
        } else {
            CommandLine group = args.length < 2 ? null : groupWithOnly(named, args[1]);
            if (group != null) {
                cl.addSubcommand(group.getCommandName(), group);
            } else {
                cl.addSubcommand(named);
            }
        }
        CommandLine fl = cl.getSubcommands().get("fl");
        if (fl != null) {
            org.botsec.cli.fl.FlCommand.addFlowerClient(fl);
        }
        verbatimFooters(cl);
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            PrintWriter err = commandLine.getErr();
            Throwable e = ex;
            if (e instanceof BadInputException) {
                err.println("botsec: " + e.getMessage());
                return ExitCode.BAD_INPUT;
            }
            if (e instanceof ThresholdException) {
                err.println("botsec: " + e.getMessage());
                return ExitCode.THRESHOLD_FAILED;
            }
            err.println("botsec: internal error: " + e);
            if (System.getenv("BOTSEC_DEBUG") != null) {
                e.printStackTrace(err);
            }
            return ExitCode.INTERNAL_ERROR;
        });
        cl.setParameterExceptionHandler((ex, unusedArgs) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            err.println("botsec: " + ex.getMessage());
            if (ex instanceof CommandLine.UnmatchedArgumentException u) {
                // "botsec trian" -> "Did you mean: botsec train?"
                CommandLine.UnmatchedArgumentException.printSuggestions(u, err);
            }
            err.println("Try '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
            return ExitCode.BAD_INPUT;
        });
        return cl;
    }

    /**
     * The group command {@code group} (such as {@code explain}) with only its subcommand called {@code name}
     * registered, or null when that does not give the same command as the whole group: the group has options of its
     * own, or no subcommand of that name (a misspelling gets the whole group, for "did you mean"), or the name is
     * {@code help} (which needs its siblings). Picocli builds the model of every subcommand of a group it is given;
     * {@code explain lime-text} needs one of four (HelpTextTest checks each subcommand's help and options match the
     * whole tree's).
     */
    static CommandLine groupWithOnly(Class<?> group, String name) {
        Command a = group.getAnnotation(Command.class);
        if (a == null || a.subcommands().length == 0) {
            return null;
        }
        List<java.lang.reflect.AccessibleObject> members = new java.util.ArrayList<>();
        members.addAll(List.of(group.getDeclaredFields()));
        members.addAll(List.of(group.getDeclaredMethods()));
        for (java.lang.reflect.AccessibleObject m : members) {
            for (java.lang.annotation.Annotation x : m.getDeclaredAnnotations()) {
                if (x.annotationType().getDeclaringClass() == CommandLine.class && !(x instanceof CommandLine.Spec)) {
                    return null; // an option, parameter, mixin, argument group or method subcommand of the group itself
                }
            }
        }
        Class<?> sub = null;
        for (Class<?> c : a.subcommands()) {
            Command s = c.getAnnotation(Command.class);
            if (s != null && c != CommandLine.HelpCommand.class
                    && (s.name().equals(name) || java.util.Arrays.asList(s.aliases()).contains(name))) {
                sub = c;
                break;
            }
        }
        if (sub == null) {
            return null;
        }
        CommandLine.Model.CommandSpec spec = CommandLine.Model.CommandSpec.wrapWithoutInspection(
                instantiate(group));
        spec.name(a.name()).aliases(a.aliases()).mixinStandardHelpOptions(a.mixinStandardHelpOptions());
        spec.usageMessage().description(a.description());
        CommandLine cl = new CommandLine(spec);
        cl.addSubcommand(sub);
        return cl;
    }

    private static Object instantiate(Class<?> c) {
        try {
            return CommandLine.defaultFactory().create(c);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create command " + c.getName(), e);
        }
    }

    /**
     * Prints every command's footer (its examples) line by line as written, instead of picocli's re-wrapping at
     * 80 columns, which split commands inside tokens so that pasting them broke.
     */
    static void verbatimFooters(CommandLine cl) {
        cl.getHelpSectionMap().put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_FOOTER, help -> {
            StringBuilder b = new StringBuilder();
            for (String line : help.commandSpec().usageMessage().footer()) {
                b.append(String.format(line)).append(System.lineSeparator());
            }
            return b.toString();
        });
        for (CommandLine sub : cl.getSubcommands().values()) {
            verbatimFooters(sub);
        }
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Reports the version from the jar manifest, or "dev" when run from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Botsec.class.getPackage().getImplementationVersion();
            return new String[] {"botsec " + (v == null ? "dev" : v) + " (Java " + System.getProperty("java.version") + ")"};
        }
    }
}
