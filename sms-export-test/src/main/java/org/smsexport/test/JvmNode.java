package org.smsexport.test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A node of a cluster test in a JVM of its own, on the test's class path: started with a main class, it is ready when
 * it prints a line starting {@code READY}; its output is drained from then on, so it never blocks on a full pipe.
 *
 * @param process   the node's process (kill it with {@code destroyForcibly()})
 * @param readyLine what it printed when ready, e.g. {@code READY 41234}
 */
public record JvmNode(Process process, String readyLine) {

    /**
     * @param mainClass the node's main class
     * @param env       environment variables added to the test's
     * @param args      its arguments
     * @return the node, ready
     * @throws IOException          when it cannot be started
     * @throws InterruptedException when interrupted while it exits without being ready
     * @throws AssertionError       when it exits before it is ready
     */
    public static JvmNode start(Class<?> mainClass, Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m",
                "-cp", System.getProperty("java.class.path"), mainClass.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        List<String> seen = new ArrayList<>();
        for (String line; (line = r.readLine()) != null;) {
            if (line.startsWith("READY")) {
                Thread drain = new Thread(() -> r.lines().forEach(l -> { }), "jvm-node-output");
                drain.setDaemon(true);
                drain.start();
                return new JvmNode(p, line);
            }
            if (seen.size() < 20) {
                seen.add(line);
            }
        }
        throw new AssertionError(mainClass.getSimpleName() + " " + String.join(" ", args) + " did not start: exit " + p.waitFor()
                + "\n" + String.join("\n", seen));
    }

    /**
     * What a cluster test holds a killed node to: each job it was running either ended there (it finished in the
     * instant before the kill) or was taken back and ran again, attempt 2, on one of the others — and at least one
     * was taken back.
     *
     * @param store  the shared job store
     * @param jobs   the jobs the node ran when it was killed
     * @param killed the killed node's name
     * @param others the living nodes' names
     */
    public static void assertTakenBack(org.smsexport.spi.JobStore store, List<org.smsexport.JobId> jobs, String killed,
            java.util.Collection<String> others) {
        int takenBack = 0;
        for (org.smsexport.JobId id : jobs) {
            org.smsexport.ExportJob j = store.find(id).orElseThrow().job();
            if (j.attempts() == 2) {
                org.assertj.core.api.Assertions.assertThat(j.node().orElseThrow()).isIn(others);
                takenBack++;
            } else {
                org.assertj.core.api.Assertions.assertThat(j.node()).contains(killed);
            }
        }
        org.assertj.core.api.Assertions.assertThat(takenBack).as("jobs of the killed node run again elsewhere").isPositive();
    }
}
