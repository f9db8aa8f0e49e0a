package org.smsexport.cli;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.smsexport.InvalidRequestException;
import org.smsexport.core.ExportService;
import org.smsexport.rest.ApiUser;
import org.smsexport.rest.Authenticator;
import org.smsexport.rest.ExportApi;
import org.smsexport.scheduler.ExportScheduler;
import org.smsexport.web.WebUi;

/**
 * {@code serve}: the export API ({@link ExportApi}) on {@link HttpServer} (Jetty), with bearer tokens mapped to
 * users and roles, 64 KiB request bodies and idle connections closed after a timeout. Thread-safe.
 */
final class RestServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RestServer.class);
    /** How long a connection may make no progress before it is closed, unless the caller says otherwise. */
    static final Duration IDLE_TIMEOUT = Duration.ofSeconds(10);

    /** A user a bearer token stands for. @param name user id (job owner) @param admin whether they see every job */
    record User(String name, boolean admin) {
    }

    private final String publicUrl;
    private final HttpServer server;

    RestServer(ExportService exports, Map<String, User> tokens, String host, int port, String publicUrl) {
        this(exports, null, tokens, host, port, publicUrl, IDLE_TIMEOUT);
    }

    RestServer(ExportService exports, ExportScheduler schedules, Map<String, User> tokens, String host, int port, String publicUrl) {
        this(exports, schedules, tokens, host, port, publicUrl, IDLE_TIMEOUT);
    }

    /**
     * @param schedules   the scheduler behind {@code /schedules}, or {@code null} to answer those with 404
     * @param idleTimeout how long a connection may send nothing before it is closed
     */
    RestServer(ExportService exports, ExportScheduler schedules, Map<String, User> tokens, String host, int port, String publicUrl,
            Duration idleTimeout) {
        Map<String, ApiUser> users = new HashMap<>();
        tokens.forEach((token, u) -> users.put(token, new ApiUser(u.name(), u.admin())));
        this.publicUrl = publicUrl;
        ExportApi api = new ExportApi(exports, schedules, Authenticator.bearer(users), this::base);
        // the page first (GET / and /ui/*), the API for everything else
        WebUi page = new WebUi("");
        this.server = new HttpServer(host, port, idleTimeout, ExportApi.MAX_BODY, ex -> {
            if (!page.handle(ex)) {
                api.handle(ex);
            }
        });
    }

    /** @return the base of download links: the public URL given, else this server on localhost */
    private String base() {
        return publicUrl != null ? publicUrl : "http://localhost:" + port();
    }

    /**
     * @throws java.io.UncheckedIOException when the port cannot be bound (in use, not allowed)
     */
    void start() {
        try {
            server.start();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e.getMessage(), e);
        } catch (Exception e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        LOG.info("sms-export REST API on port {}", port());
    }

    int port() {
        return server.port();
    }

    String publicUrl() {
        return base();
    }

    @Override
    public void close() {
        server.close();
    }

    static Optional<User> parseToken(String spec, Map<String, User> into) {
        String[] p = spec.split(":", 3);
        if (p.length != 3 || p[0].isBlank() || p[1].length() < 8 || !(p[2].equals("user") || p[2].equals("admin"))) {
            throw new InvalidRequestException("Token '" + p[0] + ":…' must be USER:SECRET:ROLE with a secret of 8+ characters and "
                    + "ROLE user or admin.");
        }
        User u = new User(p[0], p[2].equals("admin"));
        into.put(p[1], u);
        return Optional.of(u);
    }
}
