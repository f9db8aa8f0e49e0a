package org.smsexport.web;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import org.smsexport.rest.Exchange;
import org.smsexport.rest.ExportApi;

/**
 * The exports page and its assets, from this jar (and uPlot's), under a prefix: {@code /} for {@code serve},
 * {@code /sms-export/} for the Spring Boot starter. Nothing is loaded from elsewhere: the
 * {@code Content-Security-Policy} allows this origin only. Thread-safe.
 */
public final class WebUi {

    /** Scripts, styles, images and API calls from this origin only; no framing, no plugins. */
    public static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private static final String UPLOT = "META-INF/resources/webjars/uplot/1.6.30/dist/";
    private static final Map<String, String[]> ASSETS = Map.of(
            "app.js", new String[] {"ui/app.js", "text/javascript; charset=utf-8"},
            "i18n.js", new String[] {"ui/i18n.js", "text/javascript; charset=utf-8"},
            "style.css", new String[] {"ui/style.css", "text/css; charset=utf-8"},
            "uplot.js", new String[] {UPLOT + "uPlot.iife.min.js", "text/javascript; charset=utf-8"},
            "uplot.css", new String[] {UPLOT + "uPlot.min.css", "text/css; charset=utf-8"});

    private final String prefix;

    /** @param prefix where the page lives, {@code ""} for the root or e.g. {@code /sms-export} */
    public WebUi(String prefix) {
        this.prefix = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
    }

    /**
     * Answers the page ({@code GET <prefix>/}) and its assets ({@code GET <prefix>/ui/<name>}).
     *
     * @param ex the request
     * @return {@code false} when the request is not the page's: the caller routes it on
     * @throws IOException when the client cannot be written to
     */
    public boolean handle(Exchange ex) throws IOException {
        String path = ex.path();
        if (!path.equals(prefix + "/") && !path.equals(prefix.isEmpty() ? "/" : prefix) && !path.startsWith(prefix + "/ui/")) {
            return false;
        }
        if (!ex.method().equals("GET") && !ex.method().equals("HEAD")) {
            ex.setHeader("Allow", "GET, HEAD");
            ex.send(405, ExportApi.JSON_TYPE, ExportApi.envelope("method_not_allowed", "The page is read with GET."));
            return true;
        }
        if (path.equals(prefix) && !prefix.isEmpty()) {
            ex.setHeader("Location", prefix + "/");
            ex.send(308, "text/plain; charset=utf-8", new byte[0]);
            return true;
        }
        String resource;
        String type;
        String cache;
        if (path.startsWith(prefix + "/ui/")) {
            String[] asset = ASSETS.get(path.substring(prefix.length() + 4));
            if (asset == null) {
                ex.send(404, ExportApi.JSON_TYPE, ExportApi.envelope("not_found", "No such file."));
                return true;
            }
            resource = asset[0];
            type = asset[1];
            cache = "public, max-age=300";
        } else {
            resource = "ui/index.html";
            type = "text/html; charset=utf-8";
            cache = "no-cache";
        }
        byte[] body;
        // ours beside this class; uPlot's from its webjar, through the class loader (another jar, another module)
        try (InputStream in = resource.startsWith("META-INF/") ? WebUi.class.getClassLoader().getResourceAsStream(resource)
                : WebUi.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("The page's file " + resource + " is missing from the jar");
            }
            body = in.readAllBytes();
        }
        ex.setHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        ex.setHeader("X-Content-Type-Options", "nosniff");
        ex.setHeader("Referrer-Policy", "no-referrer");
        ex.setHeader("Cache-Control", cache);
        ex.send(200, type, body);
        return true;
    }
}
