package org.botsec.guard.internal;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import org.botsec.guard.Action;
import org.botsec.guard.Direction;
import org.botsec.guard.GuardPipeline;
import org.botsec.guard.Scanner;

/**
 * Per-stage cost of the PII scan on ~1 KB messages, the current code against the code before the issue #13 speed
 * work ({@code Legacy*} classes, frozen copies of commit 464baf0) in the same process. Each stage is a
 * {@link PiiScanner} limited to one type (PERSON = the context rule and the NER tagger; LOCATION = the context rule
 * only, as in the defaults), plus the NER tagger and the phone finder on their own, the whole default PII scanner and
 * the whole default pipeline ({@link GuardPipeline#defaults()}: PII, injection, secrets) as the gateway runs it.
 * Old and new calls alternate message by message so that both see the same machine load; every figure is the
 * thread's CPU time per call (wall-clock on a shared machine mostly measures waiting for a core).
 *
 * <p>Usage: {@code PiiStageBenchMain [rounds [warmupRounds]]}; one round scans each message once per stage per side.
 */
public final class PiiStageBenchMain {
    private PiiStageBenchMain() {
    }

    /** The gateway benchmark's user message (botsec-server/bench/chat-1k.lua), 1,004 characters. */
    static final String CHAT_USER = "Hello, I ordered a pair of running shoes last Tuesday (order 88231) and the tracking page has not "
            + "changed for four days. Could you check with the courier what is going on? I paid with my usual card and "
            + "the money has already left my account. If the parcel is lost I would prefer a refund instead of a "
            + "replacement, because I need the shoes before the race on the 14th. You can reach me at "
            + "runner.jane@example.com or by phone in the evenings. I also noticed that the size on the invoice is 42 "
            + "while I ordered 41; please make sure that the replacement, if there is one, is the right size. Last time "
            + "your colleague was very helpful and sorted out a similar problem within a day, so I hope we can do the "
            + "same now. Thank you in advance for looking into this, and have a nice weekend. Best regards, Jane. "
            + "P.S. The delivery address is unchanged; the parcel should go to the same place as my previous orders.";

    /** The gateway benchmark's fake upstream answer (botsec-server FakeUpstreamMain.ANSWER), 1,006 characters. */
    static final String CHAT_ANSWER = "Thank you for getting in touch about your order. I have checked the shipment and can see that the "
            + "parcel left our warehouse on Tuesday and was handed to the courier the same afternoon. The tracking page has "
            + "not been updated since then, which usually means the parcel is waiting at a regional depot for the next "
            + "scan. In most cases it moves again within two working days. If there is still no update by Friday, we will "
            + "open an investigation with the courier and, if the parcel cannot be found, send you a refund to the original "
            + "payment method. You do not need to do anything for this; we will write to you as soon as we hear back. About "
            + "the size on the invoice: the shoes were packed in the size you ordered, and the invoice line is a known "
            + "printing mistake that we are fixing. If the shoes do turn out to be the wrong size, you can return them free "
            + "of charge within thirty days using the label in the box. Is there anything else I can help you with today? "
            + "Have a nice weekend.";

    /** Five ~1 KB messages: the gateway benchmark's pair, a PII-dense form, a mixed e-mail and a numbers-heavy text. */
    static final List<String> MESSAGES = List.of(
            CHAT_USER,
            CHAT_ANSWER,
            cut(("Name: Sofia Lindqvist\nPhone: 070-123 45 67\nAddress: Storgatan 12, 114 55 Stockholm\nCard: 4111 1111 1111 1111\n"
                    + "Notes: customer asked about the delivery date and wants a call back after 3 pm on weekdays.\n").repeat(4)),
            cut("Hi team, following up on yesterday's call. You can reach me on +44 20 7946 0958 or jane.doe@example.com; my "
                    + "colleague marco rossi from milano will join. The invoice 2026-11-0042 covers 14 items at 35.50 EUR. "
                    + "Regards, Jane. Please send the contract to our office in Lyon before Friday and copy the legal team. ".repeat(4)),
            cut(("Can you summarise this article for me? The committee met on 3 March 2026 and agreed on a budget of 1.2 million "
                    + "for the new library; call 0490 75 40 81 or 01.84.17.61.18 for details. Work starts in spring. ").repeat(6)));

    private static String cut(String s) {
        return s.length() <= 1024 ? s : s.substring(0, 1024);
    }

    /** One stage: a label and the old and new call. */
    record Stage(String name, Consumer<String> before, Consumer<String> after) {
    }

    static List<Stage> stages() {
        List<Stage> out = new ArrayList<>();
        List<String> regions = new ArrayList<>(List.of("US"));
        regions.addAll(PiiScanner.LIKELY_PHONE_REGIONS);
        for (PiiScanner.Type t : PiiScanner.DEFAULT_TYPES) {
            LegacyPiiScanner old = new LegacyPiiScanner(EnumSet.of(LegacyPiiScanner.Type.valueOf(t.name())), regions);
            PiiScanner now = new PiiScanner(EnumSet.of(t), regions);
            out.add(new Stage("pii " + t.name(), s -> old.scan(s, Direction.INPUT), s -> now.scan(s, Direction.INPUT)));
        }
        LegacyNerTagger oldNer = LegacyNerTagger.shipped();
        NerTagger newNer = NerTagger.shipped();
        out.add(new Stage("ner tagger alone", oldNer::find, newNer::find));
        LegacyPhoneFinder oldPhones = new LegacyPhoneFinder(regions);
        PhoneFinder newPhones = new PhoneFinder(regions);
        out.add(new Stage("phone finder, whole text", s -> oldPhones.find(s, Prefilter.lowerSameLength(s)),
                s -> newPhones.find(s, Prefilter.lowerSameLength(s))));
        Scanner oldAll = LegacyPiiScanner.all();
        Scanner newAll = PiiScanner.all();
        out.add(new Stage("pii all (default)", s -> oldAll.scan(s, Direction.INPUT), s -> newAll.scan(s, Direction.INPUT)));
        GuardPipeline newPipe = GuardPipeline.defaults();
        GuardPipeline oldPipe = pipelineWith(oldAll);
        out.add(new Stage("pipeline defaults, input", s -> oldPipe.scan(s, Direction.INPUT), s -> newPipe.scan(s, Direction.INPUT)));
        out.add(new Stage("pipeline defaults, output", s -> oldPipe.scan(s, Direction.OUTPUT), s -> newPipe.scan(s, Direction.OUTPUT)));
        return out;
    }

    /** {@link GuardPipeline#defaults()} with another PII scanner in its place. */
    static GuardPipeline pipelineWith(Scanner pii) {
        Scanner secrets = SecretScanner.defaults();
        return GuardPipeline.builder()
                .add(pii, Action.REDACT, EnumSet.allOf(Direction.class), 0.5)
                .add(InjectionScanner.defaults(), Action.BLOCK, EnumSet.of(Direction.INPUT), 0.5)
                .add(secrets, Action.REDACT, EnumSet.of(Direction.INPUT), 0.5)
                .add(secrets, Action.BLOCK, EnumSet.of(Direction.OUTPUT), 0.5)
                .build();
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 400;
        int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        List<Stage> stages = stages();
        for (int w = 0; w < warmup; w++) {
            for (Stage st : stages) {
                for (String m : MESSAGES) {
                    st.before().accept(m);
                    st.after().accept(m);
                }
            }
        }
        int n = rounds * MESSAGES.size();
        System.out.printf(Locale.ROOT, "%d messages of %s chars, %d rounds after %d warm-up rounds; CPU time per call, load average %s%n",
                MESSAGES.size(), MESSAGES.stream().map(m -> Integer.toString(m.length())).toList(), rounds, warmup, loadAverage());
        System.out.printf(Locale.ROOT, "%-28s %12s %12s %12s %12s %9s %9s%n", "stage", "before p50", "before p99", "after p50",
                "after p99", "p50 ratio", "p99 ratio");
        for (Stage st : stages) {
            long[] before = new long[n];
            long[] after = new long[n];
            int k = 0;
            for (int r = 0; r < rounds; r++) {
                for (String m : MESSAGES) {
                    long t0 = cpu.getCurrentThreadCpuTime();
                    st.before().accept(m);
                    long t1 = cpu.getCurrentThreadCpuTime();
                    st.after().accept(m);
                    long t2 = cpu.getCurrentThreadCpuTime();
                    before[k] = t1 - t0;
                    after[k++] = t2 - t1;
                }
            }
            Arrays.sort(before);
            Arrays.sort(after);
            double b50 = pct(before, 0.5) / 1e3;
            double b99 = pct(before, 0.99) / 1e3;
            double a50 = pct(after, 0.5) / 1e3;
            double a99 = pct(after, 0.99) / 1e3;
            System.out.printf(Locale.ROOT, "%-28s %9.1f us %9.1f us %9.1f us %9.1f us %8.1fx %8.1fx%n", st.name(), b50, b99, a50, a99,
                    b50 / Math.max(a50, 1e-3), b99 / Math.max(a99, 1e-3));
        }
        System.out.printf(Locale.ROOT, "load average at the end %s%n", loadAverage());
    }

    private static String loadAverage() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim().split(" ", 4)[0];
        } catch (java.io.IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static long pct(long[] sorted, double q) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
    }
}
