package org.smsexport.rest;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.content.InputStreamContentSource;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Promise;
import org.eclipse.jetty.util.thread.Invocable.InvocationType;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The API on Jetty 12 ({@code serve}'s transport), with the limits a server facing the network needs. Headers
 * are parsed without holding a thread, so connections that send nothing (slowloris) cost no worker; every
 * connection is closed after {@code idleTimeout} without progress; request headers are limited to 8 KiB,
 * bodies to {@code maxBody} (a larger {@code Content-Length} is refused with 413 before a byte is read, and a
 * chunked body is cut off at the limit); bodies are read without blocking a thread; at most
 * {@value #MAX_CONNECTIONS} connections are accepted at once. Every answer Jetty itself gives (a malformed
 * request line, headers too large) uses the same JSON envelope as the API.
 */
public final class JettyServer implements AutoCloseable {

    /** Connections accepted at once; more wait in the operating system's backlog. */
    public static final int MAX_CONNECTIONS = 2_000;

    /** The application: routes an exchange and answers it ({@link ExportApi#handle}, perhaps after a page of its own). */
    @FunctionalInterface
    public interface Routes {
        /**
         * @param exchange the request and its answer
         * @throws IOException when the client cannot be written to
         */
        void handle(Exchange exchange) throws IOException;
    }

    static final String JSON_TYPE = ExportApi.JSON_TYPE;

    private static byte[] envelope(String code, String message) {
        return ExportApi.envelope(code, message);
    }

    private final Server server;
    private final ServerConnector connector;
    private final QueuedThreadPool threads;

    /**
     * @param host        address to bind
     * @param port        port, 0 for any free one
     * @param idleTimeout how long a connection may make no progress (reading headers or body, or idle between
     *                    requests) before it is closed
     * @param maxBody     the largest request body accepted, in bytes
     * @param routes      the application
     */
    public JettyServer(String host, int port, Duration idleTimeout, int maxBody, Routes routes) {
        threads = new QueuedThreadPool(64, 4);
        threads.setName("sms-export-http");
        threads.setDaemon(true);
        server = new Server(threads);
        HttpConfiguration config = new HttpConfiguration();
        config.setRequestHeaderSize(8 * 1024);
        config.setSendServerVersion(false);
        config.setSendXPoweredBy(false);
        connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(config));
        connector.setHost(host);
        connector.setPort(port);
        connector.setIdleTimeout(idleTimeout.toMillis());
        connector.setAcceptQueueSize(128);
        server.addConnector(connector);
        server.addBean(new NetworkConnectionLimit(MAX_CONNECTIONS, connector));
        server.setErrorHandler(new JsonErrors());
        server.setHandler(new Handler.Abstract.NonBlocking() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                long declared = request.getLength();
                if (declared > maxBody) {
                    // refused before a byte of the body is read; Jetty closes the connection afterwards
                    reply(response, callback, 413, JSON_TYPE, envelope("payload_too_large", "Request bodies are limited to "
                            + maxBody / 1024 + " KiB; this one declares " + declared + " bytes."));
                    return true;
                }
                java.util.function.BiConsumer<byte[], Throwable> then = (bytes, failure) -> threads.execute(() -> {
                    if (failure != null) {
                        if (failure instanceof TimeoutException || failure instanceof IOException) {
                            // the body stalled past the idle timeout: close the connection. Answering 408 here raced
                            // Jetty's own clean-up of the failed read (a NullPointerException inside Jetty that left the
                            // connection open for many seconds, seen in 3 of 21 full builds)
                            request.getConnectionMetaData().getConnection().getEndPoint().close(failure);
                            callback.failed(failure);
                        } else {
                            reply(response, callback, 413, JSON_TYPE, envelope("payload_too_large", "Request bodies are limited to "
                                    + maxBody / 1024 + " KiB."));
                        }
                        return;
                    }
                    JettyExchange ex = new JettyExchange(request, response, callback, bytes);
                    try {
                        routes.handle(ex);
                        ex.finish();
                    } catch (IOException | RuntimeException e) {
                        callback.failed(e);
                    }
                });
                if (hasBody(request)) {
                    // no thread waits for a slow body: the rest runs when all of it is there (or the idle timeout fires)
                    Content.Source.asByteArrayAsync(request, maxBody, Promise.Invocable.from(InvocationType.NON_BLOCKING, then));
                } else {
                    then.accept(new byte[0], null);
                }
                return true;
            }
        });
    }

    private static boolean hasBody(Request request) {
        return request.getLength() > 0 || request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING);
    }

    private static void reply(Response response, Callback callback, int status, String type, byte[] body) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
    }

    /**
     * Starts listening.
     *
     * @throws Exception when the address cannot be bound
     */
    public void start() throws Exception {
        server.start();
    }

    /** @return the port it listens on (the one picked, when 0 was asked) */
    public int port() {
        return connector.getLocalPort();
    }

    /** Stops listening, giving answers under way two seconds. */
    @Override
    public void close() {
        try {
            server.setStopTimeout(2_000);
            server.stop();
        } catch (Exception e) {
            org.slf4j.LoggerFactory.getLogger(JettyServer.class).warn("Stopping the HTTP server failed: {}", e.toString());
        }
    }

    private static final class JettyExchange implements Exchange {
        private final Request request;
        private final Response response;
        private final Callback callback;
        private final byte[] body;
        private boolean sent;

        JettyExchange(Request request, Response response, Callback callback, byte[] body) {
            this.request = request;
            this.response = response;
            this.callback = callback;
            this.body = body;
        }

        @Override
        public String method() {
            return request.getMethod();
        }

        @Override
        public String path() {
            return request.getHttpURI().getPath();
        }

        @Override
        public String rawQuery() {
            return request.getHttpURI().getQuery();
        }

        @Override
        public String header(String name) {
            return request.getHeaders().get(name);
        }

        @Override
        public String clientAddress() {
            return Request.getRemoteAddr(request);
        }

        @Override
        public byte[] body() {
            return body;
        }

        @Override
        public void setHeader(String name, String value) {
            response.getHeaders().put(name, value);
        }

        @Override
        public void send(int status, String contentType, byte[] bytes) {
            sent = true;
            reply(response, callback, status, contentType, bytes);
        }

        @Override
        public void sendFile(int status, String contentType, Path file) throws IOException {
            sendStream(status, contentType, Files.size(file), Files.newInputStream(file));
        }

        /**
         * Sends without holding a thread: each block is read when the client has taken the one before, so a client
         * that reads nothing costs a connection, not a worker, until the idle timeout closes it.
         */
        @Override
        public void sendStream(int status, String contentType, long length, java.io.InputStream content) {
            sent = true;
            response.setStatus(status);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, length);
            org.eclipse.jetty.io.ByteBufferPool.Sized buffers = new org.eclipse.jetty.io.ByteBufferPool.Sized(
                    request.getComponents().getByteBufferPool(), false, 64 * 1024);
            Content.copy(new InputStreamContentSource(content, buffers), response, Callback.from(() -> {
                close(content);
                callback.succeeded();
            }, failure -> {
                close(content);
                callback.failed(failure);
            }));
        }

        private static void close(java.io.InputStream content) {
            try {
                content.close();
            } catch (IOException e) {
                // the answer is sent or failed already; nothing to tell the client
            }
        }

        void finish() {
            if (!sent) {
                callback.failed(new IllegalStateException("no answer"));
            }
        }
    }

    /** Jetty's own answers (bad request lines, headers too large, unknown methods) in the API's envelope. */
    private static final class JsonErrors extends ErrorHandler {
        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            Object s = request.getAttribute(ERROR_STATUS);
            int status = s instanceof Integer ? (Integer) s : response.getStatus();
            Object m = request.getAttribute(ERROR_MESSAGE);
            reply(response, callback, status, JSON_TYPE, envelope(code(status), message(status, m == null ? null : m.toString())));
            return true;
        }

        private static String code(int status) {
            switch (status) {
                case 400:
                    return "bad_request";
                case 404:
                    return "not_found";
                case 405:
                    return "method_not_allowed";
                case 408:
                    return "request_timeout";
                case 413:
                    return "payload_too_large";
                case 414:
                    return "uri_too_long";
                case 431:
                    return "headers_too_large";
                default:
                    return status >= 500 ? "internal_error" : "http_" + status;
            }
        }

        private static String message(int status, String reason) {
            if (status >= 500) {
                return "The request failed; the server log has the details.";
            }
            String text = reason == null || reason.isBlank() ? org.eclipse.jetty.http.HttpStatus.getMessage(status) : reason;
            return "The request was refused: " + text + ".";
        }
    }
}
