package org.botsec.cli.fl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.botsec.cli.Botsec;
import org.junit.jupiter.api.Test;

/** {@code fl client --superlink} reaches the Flower client (botsec-flower); {@code --server} stays BotSec's own. */
class FlowerRoutingTest {
    record Run(int exit, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Botsec.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void superlinkFormShowsTheFlowerHelp() {
        Run r = run("fl", "client", "--superlink", "x", "--help");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("Join a Flower SuperLink"), r.out());
        Run own = run("fl", "client", "--help");
        assertEquals(0, own.exit(), own.err());
        assertTrue(own.out().contains("Join a federation run by botsec fl server"), own.out());
        assertTrue(own.out().contains("--superlink"), "the own client's help points to the Flower form");
        assertFalse(run("fl", "--help").out().contains("flower-client"), "the routed name stays hidden");
    }

    @Test
    void flowerBadInputIsOneLineExitTwoBeforeAnyConnection() {
        Run r = run("fl", "client", "--superlink", "127.0.0.1:9092", "--insecure", "--data", "builtin:digits8x8",
                "--model", "svm");
        assertEquals(2, r.exit(), r.err());
        assertTrue(r.err().contains("--model must be logreg, softmax or mlp, got 'svm'"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }

    @Test
    void onlyTheSuperlinkFormIsRouted() {
        String[] own = {"fl", "client", "--server", "h:1", "--certs", "d", "--name", "a", "--data", "x"};
        assertArrayEquals(own, FlCommand.routeFlowerClient(own));
        String[] sim = {"fl", "simulate", "--superlink=x"};
        assertArrayEquals(sim, FlCommand.routeFlowerClient(sim));
        assertEquals(FlCommand.FLOWER_CLIENT, FlCommand.routeFlowerClient(new String[] {"fl", "client", "--superlink=h:1"})[1]);
    }
}
