package org.botsec.cli.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code bin/botsec} launcher, run with a stand-in jar ({@link LauncherProbe}) in a copy of the repository
 * layout: the class-data-sharing archive is made on the first successful run and mapped on the next; a cache folder
 * that cannot be created, a damaged archive, an archive of another jar under the current name, or a rebuilt jar never
 * make a command fail or print anything; short commands start with a small heap; BOTSEC_JAVA_OPTS wins.
 */
class LauncherTest {
    @TempDir
    Path tmp;
    Path root;
    Path cache;

    /** The result of one launcher run. */
    record Run(int code, String out, String err) {
    }

    @BeforeEach
    void layout() throws IOException {
        root = tmp.resolve("repo");
        Files.createDirectories(root.resolve("bin"));
        Files.createDirectories(root.resolve("botsec-cli/target"));
        Path launcher = root.resolve("bin/botsec");
        Files.copy(Path.of("..", "bin", "botsec"), launcher);
        assertTrue(launcher.toFile().setExecutable(true));
        writeJar("v1");
        cache = tmp.resolve("cache");
    }

    /** The stand-in fat jar; {@code tag} makes a rebuilt jar differ in content. */
    private void writeJar(String tag) throws IOException {
        Manifest mf = new Manifest();
        mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        mf.getMainAttributes().put(Attributes.Name.MAIN_CLASS, LauncherProbe.class.getName());
        Path jar = root.resolve("botsec-cli/target/botsec-cli-0-all.jar");
        Path part = root.resolve("botsec-cli/target/part.tmp");
        try (OutputStream f = Files.newOutputStream(part); JarOutputStream j = new JarOutputStream(f, mf)) {
            String name = LauncherProbe.class.getName().replace('.', '/') + ".class";
            j.putNextEntry(new JarEntry(name));
            try (InputStream in = LauncherProbe.class.getClassLoader().getResourceAsStream(name)) {
                in.transferTo(j);
            }
            j.putNextEntry(new JarEntry("tag.txt"));
            j.write(tag.getBytes(StandardCharsets.UTF_8));
        }
        Files.move(part, jar, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        // a rebuilt jar within the same second must still look different to the launcher and the JVM
        jar.toFile().setLastModified(System.currentTimeMillis() + (tag.equals("v1") ? 0 : 5_000));
    }

    private Run run(Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("bash", root.resolve("bin/botsec").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().remove("BOTSEC_JAVA_OPTS");
        pb.environment().remove("BOTSEC_CDS");
        pb.environment().put("BOTSEC_CACHE_DIR", cache.toString());
        pb.environment().putAll(env);
        Path out = tmp.resolve("out.txt");
        Path err = tmp.resolve("err.txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "launcher did not finish");
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    private Run run(String... args) throws Exception {
        return run(Map.of(), args);
    }

    private List<Path> archives() throws IOException {
        if (!Files.isDirectory(cache)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(cache)) {
            return s.filter(f -> f.getFileName().toString().endsWith(".jsa")).sorted().toList();
        }
    }

    private static void assertClean(Run r, String args) {
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().startsWith("probe ok args=" + args + " "), r.toString());
        assertEquals("", r.err(), "nothing on stderr");
    }

    @Test
    void archiveIsMadeOnceAndThenMapped() throws Exception {
        assertClean(run("explain", "lime-text", "x"), "explain lime-text x");
        List<Path> made = archives();
        assertEquals(1, made.size(), made.toString());
        assertTrue(made.get(0).getFileName().toString().contains("-explain-lime-text-"), made.toString());
        // the second run maps it: the probe class now comes from the archive, not from the jar
        Path log = tmp.resolve("classes.log");
        Run second = run(Map.of("BOTSEC_JAVA_OPTS", "-Xlog:class+load=info:file=" + log), "explain", "lime-text", "x");
        assertClean(second, "explain lime-text x");
        String loaded = Files.readString(log);
        // a short command's archive is a static one (it also holds class-file version 49 classes such as picocli's)
        assertTrue(loaded.contains(LauncherProbe.class.getName() + " source: shared objects file\n"),
                "probe not mapped from a static archive");
        assertEquals(made, archives(), "no second archive");
        // a failed first run leaves no archive (it would hold only an error path's classes)
        assertEquals(2, run("models", "info", "fail").code());
        assertEquals(1, archives().size(), archives().toString());
        // a long command keeps the dynamic archive (on top of the JDK's), which works with the Vector API module
        assertClean(run("train", "x"), "train x");
        assertEquals(2, archives().size(), archives().toString());
        Path log2 = tmp.resolve("classes2.log");
        assertClean(run(Map.of("BOTSEC_JAVA_OPTS", "-Xlog:class+load=info:file=" + log2), "train", "x"), "train x");
        assertTrue(Files.readString(log2).contains(LauncherProbe.class.getName() + " source: shared objects file (top)"),
                "probe not mapped from the dynamic archive");
    }

    @Test
    void aCacheFolderThatCannotBeMadeIsIgnored() throws Exception {
        Path file = tmp.resolve("a-file");
        Files.writeString(file, "not a folder");
        cache = file.resolve("botsec"); // under a regular file: mkdir fails, even for root
        assertClean(run("explain", "lime-text", "x"), "explain lime-text x");
        assertClean(run("--version"), "--version");
        assertClean(run(Map.of("BOTSEC_CDS", "0"), "predict"), "predict");
    }

    @Test
    void aDamagedOrForeignArchiveIsIgnored() throws Exception {
        assertClean(run("explain", "lime-text", "x"), "explain lime-text x");
        Path archive = archives().get(0);
        byte[] good = Files.readAllBytes(archive);
        archive.toFile().setWritable(true);
        // cut in half
        Files.write(archive, java.util.Arrays.copyOf(good, good.length / 2));
        assertClean(run("explain", "lime-text", "x"), "explain lime-text x");
        assertTrue(Files.size(archive) > good.length / 2, "the damaged archive was made again");
        // bytes flipped in place (JDK 17 itself crashes on such an archive)
        byte[] flipped = Files.readAllBytes(archive);
        archive.toFile().setWritable(true);
        for (int i = 4096; i < flipped.length; i += 997) {
            flipped[i] ^= (byte) 0xff;
        }
        Files.write(archive, flipped);
        assertClean(run("explain", "lime-text", "x"), "explain lime-text x");
        assertClean(run("explain", "lime-text", "x"), "explain lime-text x");
        // garbage of the same length, and an empty file
        byte[] junk = new byte[good.length];
        new java.util.SplittableRandom(7).nextBytes(junk);
        archive.toFile().setWritable(true);
        Files.write(archive, junk);
        assertClean(run("explain", "lime-text", "x"), "explain lime-text x");
        archive.toFile().setWritable(true);
        Files.write(archive, new byte[0]);
        assertClean(run("explain", "lime-text", "x"), "explain lime-text x");
        assertClean(run("explain", "lime-text", "x"), "explain lime-text x");
        // a good archive of the old jar, the jar rebuilt since, and the launcher led to choose the old archive's name
        // (as if the jar's hash had been kept): the JVM sees the jar's size and time differ and runs without it
        archive.toFile().setWritable(true);
        Files.write(archive, good);
        Files.writeString(Path.of(archive + ".ok"), Files.size(archive) + "-" + stampTime(archive));
        writeJar("v2-rebuilt-with-more-bytes");
        Path jar = root.resolve("botsec-cli/target/botsec-cli-0-all.jar");
        String oldHash;
        try (Stream<Path> s = Files.list(cache)) {
            oldHash = Files.readString(s.filter(f -> f.getFileName().toString().startsWith("jar-")).findFirst().orElseThrow());
        }
        // the launcher's identity of the rebuilt jar (size-mtime-inode, as `stat -c %s-%Y-%i`) mapped to the old hash
        String id = Files.size(jar) + "-" + Files.getLastModifiedTime(jar).toMillis() / 1000 + "-"
                + Files.getAttribute(jar, "unix:ino");
        Files.writeString(cache.resolve("jar-" + id + ".sha256"), oldHash);
        assertClean(run("explain", "lime-text", "x"), "explain lime-text x");
        assertEquals(List.of(archive), archives(), "the stale archive was chosen (and refused by the JVM)");
    }

    /** The modification time as {@code stat -c %.9Y} prints it: seconds, a dot, nine digits of nanoseconds. */
    private static String stampTime(Path f) throws IOException {
        java.time.Instant t = Files.getLastModifiedTime(f).toInstant();
        return t.getEpochSecond() + "." + String.format("%09d", t.getNano());
    }

    @Test
    void aRebuiltJarGetsItsOwnArchive() throws Exception {
        assertClean(run("privacy", "epsilon"), "privacy epsilon");
        writeJar("v2");
        assertClean(run("privacy", "epsilon"), "privacy epsilon");
        List<Path> two = archives();
        assertEquals(2, two.size(), "one archive per jar hash: " + two);
    }

    @Test
    void shortCommandsStartWithASmallHeapAndUsersCanOverride() throws Exception {
        Run shortOne = run("explain", "lime-text", "x");
        assertClean(shortOne, "explain lime-text x");
        assertTrue(shortOne.out().contains(" init=48m"), shortOne.out());
        assertTrue(shortOne.out().contains("G1"), "G1 keeps Java 17's archived module graph: " + shortOne.out());
        Run longOne = run(Map.of("BOTSEC_CDS", "0"), "train", "x");
        assertClean(longOne, "train x");
        assertFalse(longOne.out().contains(" init=48m"), longOne.out());
        // the user's options come last and win
        Run own = run(Map.of("BOTSEC_JAVA_OPTS", "-Xms64m -XX:+UseSerialGC"), "explain", "lime-text", "x");
        assertClean(own, "explain lime-text x");
        assertTrue(own.out().contains(" init=64m"), own.out());
        assertTrue(own.out().contains("MarkSweepCompact"), own.out());
        // a heap limit below the launcher's initial heap replaces it instead of clashing with it
        Run small = run(Map.of("BOTSEC_JAVA_OPTS", "-Xmx32m"), "explain", "lime-text", "x");
        assertClean(small, "explain lime-text x");
        assertFalse(small.out().contains(" init=48m"), small.out());
    }
}
