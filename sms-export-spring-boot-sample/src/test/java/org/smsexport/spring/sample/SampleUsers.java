package org.smsexport.spring.sample;

import java.net.CookieManager;
import java.net.HttpCookie;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** How the sample's tests call as its users: HTTP Basic, and for a change Spring Security's CSRF token sent back. */
final class SampleUsers {

    private SampleUsers() {
    }

    /** @return the Basic credentials of a user of the sample ({@code alice}, {@code bob}, {@code admin}) */
    static String basic(String user) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + user + "-password").getBytes(StandardCharsets.UTF_8));
    }

    /** @return the XSRF-TOKEN cookie Spring Security sets on any answer (fetched with a GET when the client has none yet) */
    static String xsrf(HttpClient http, CookieManager cookies, String base) throws Exception {
        for (int attempt = 0; attempt < 2; attempt++) {
            for (HttpCookie c : cookies.getCookieStore().getCookies()) {
                if (c.getName().equals("XSRF-TOKEN")) {
                    return c.getValue();
                }
            }
            http.send(HttpRequest.newBuilder(URI.create(base + "/actuator/health")).build(), HttpResponse.BodyHandlers.ofString());
        }
        throw new AssertionError("no XSRF-TOKEN cookie");
    }
}
