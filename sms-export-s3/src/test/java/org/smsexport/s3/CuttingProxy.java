package org.smsexport.s3;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy in front of the S3 server that breaks an upload off: once {@code budget} bytes have gone up, it cuts
 * the connection, and from then on lets each new connection send only 64 KB — enough for small requests (the
 * abort of a multipart upload), not for a part.
 */
final class CuttingProxy implements AutoCloseable {

    private static final long AFTER_CUT = 64 * 1024;

    private final ServerSocket server;
    private final int targetPort;
    private final AtomicLong left;
    /** What a connection made after the cut may carry: a little (the endpoint answers again) or nothing (it stays gone). */
    private volatile long afterCut = AFTER_CUT;

    CuttingProxy(int targetPort, long budget) throws IOException {
        this.targetPort = targetPort;
        this.left = new AtomicLong(budget);
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::accept, "cutting-proxy");
        t.setDaemon(true);
        t.start();
    }

    /** From now on, until {@link #heal}, every new connection is dropped at once: the endpoint is gone. */
    void dropAfterCut() {
        afterCut = 0;
    }

    /** The endpoint is back: new connections pass whole. */
    void heal() {
        afterCut = Long.MAX_VALUE;
    }

    String endpoint() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket target = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                boolean cut = left.get() <= 0;
                AtomicLong budget = cut ? new AtomicLong(afterCut) : left;
                pump(client, target, budget);
                pump(target, client, null);
            } catch (IOException e) {
                return;
            }
        }
    }

    private static void pump(Socket from, Socket to, AtomicLong budget) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) > 0) {
                    if (budget != null && budget.get() <= 0 || budget != null && budget.addAndGet(-n) < 0) {
                        break;
                    }
                    out.write(buf, 0, n);
                }
            } catch (IOException e) {
                // the other side closed
            } finally {
                close(from);
                close(to);
            }
        }, "cutting-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    private static void close(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
