package org.smsexport.bench;

/** The child JVM of {@code report}'s loaded CSV run: keeps one core busy until its parent closes its input. */
public final class Burner {

    private Burner() {
    }

    /**
     * @param args none
     * @throws Exception when reading its input fails
     */
    public static void main(String[] args) throws Exception {
        Thread spin = new Thread(() -> {
            long x = 1;
            while (!Thread.currentThread().isInterrupted()) {
                for (int i = 0; i < 1_000_000; i++) {
                    x = x * 6364136223846793005L + i;
                }
            }
            if (x == 42) {
                System.out.print("");
            }
        });
        spin.setDaemon(true);
        spin.start();
        while (System.in.read() >= 0) {
            // until the parent closes the pipe (or dies)
        }
    }

    /** @return a started burner; closing its input (or destroying it) stops it */
    static Process start() throws java.io.IOException {
        return new ProcessBuilder(Workloads.childJvm(java.util.List.of(), Burner.class))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }
}
