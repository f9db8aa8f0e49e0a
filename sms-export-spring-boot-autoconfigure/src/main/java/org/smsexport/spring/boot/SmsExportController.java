package org.smsexport.spring.boot;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import org.smsexport.rest.ApiUser;
import org.smsexport.rest.Authenticator;
import org.smsexport.rest.ExportApi;
import org.smsexport.web.WebUi;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The seed's REST API on Spring MVC: the same routes, JSON and error envelope as the CLI's {@code serve} (one
 * implementation, {@link ExportApi}), the owner being the authenticated {@code Principal}'s name and the admin
 * authority seeing everything. No principal is a 401. Needs no Spring Security, and works with it.
 */
@RestController
public class SmsExportController {

    private final ExportApi api;
    private final WebUi page;

    /**
     * @param api  the API
     * @param page the exports page at {@code /sms-export/}, or {@code null} when switched off
     */
    SmsExportController(ExportApi api, WebUi page) {
        this.api = api;
        this.page = page;
    }

    /**
     * The exports page and its assets.
     *
     * @param request  the request
     * @param response the answer
     * @throws IOException when the client cannot be written to
     */
    @RequestMapping({"/sms-export", "/sms-export/", "/sms-export/ui/**"})
    public void page(HttpServletRequest request, HttpServletResponse response) throws IOException {
        ServletExchange ex = new ServletExchange(request, response);
        if (page == null || !page.handle(ex)) {
            ex.send(404, ExportApi.JSON_TYPE, ExportApi.envelope("not_found", "No such resource: " + ex.path()));
        }
    }

    /**
     * @param adminAuthority the authority that sees all jobs, e.g. {@code ROLE_ADMIN}
     * @return who makes a request: the servlet request's principal, admin when it has the authority
     */
    static Authenticator principals(String adminAuthority) {
        String role = adminAuthority.startsWith("ROLE_") ? adminAuthority.substring(5) : adminAuthority;
        return ex -> {
            HttpServletRequest r = ((ServletExchange) ex).request;
            return r.getUserPrincipal() == null ? Optional.empty()
                    : Optional.of(new ApiUser(r.getUserPrincipal().getName(), r.isUserInRole(role) || r.isUserInRole(adminAuthority)));
        };
    }

    /**
     * Every API route.
     *
     * @param request  the request
     * @param response the answer
     * @throws IOException when the client cannot be written to
     */
    @RequestMapping({"/api/v1/import-export/**", "/api/v1/export-jobs/**"})
    public void handle(HttpServletRequest request, HttpServletResponse response) throws IOException {
        ServletExchange ex = new ServletExchange(request, response);
        try {
            api.handle(ex);
        } catch (ServletExchange.BodyTooLarge e) {
            if (!response.isCommitted()) {
                ex.send(413, ExportApi.JSON_TYPE, ExportApi.envelope("payload_too_large", e.getMessage()));
            }
        }
    }
}
