package org.smsexport.spring.boot;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.smsexport.rest.Exchange;
import org.smsexport.rest.ExportApi;

/** One servlet request as the API sees it: path without the context path, body read up to the API's limit. */
final class ServletExchange implements Exchange {

    final HttpServletRequest request;
    private final HttpServletResponse response;

    ServletExchange(HttpServletRequest request, HttpServletResponse response) {
        this.request = request;
        this.response = response;
    }

    @Override
    public String method() {
        return request.getMethod();
    }

    @Override
    public String path() {
        String uri = request.getRequestURI();
        String context = request.getContextPath();
        return context != null && !context.isEmpty() && uri.startsWith(context) ? uri.substring(context.length()) : uri;
    }

    @Override
    public String rawQuery() {
        return request.getQueryString();
    }

    @Override
    public String header(String name) {
        return request.getHeader(name);
    }

    @Override
    public String clientAddress() {
        return request.getRemoteAddr();
    }

    /** The body once read: the stream gives it only once, and a route may ask twice. */
    private byte[] body;

    @Override
    public byte[] body() throws IOException {
        if (body == null) {
            try (InputStream in = request.getInputStream()) {
                byte[] b = in.readNBytes(ExportApi.MAX_BODY + 1);
                if (b.length > ExportApi.MAX_BODY) {
                    throw new BodyTooLarge();
                }
                body = b;
            }
        }
        return body;
    }

    /** A body over the API's limit: answered with 413 by the controller. */
    static final class BodyTooLarge extends IOException {
        private static final long serialVersionUID = 1L;

        BodyTooLarge() {
            super("Request bodies are limited to " + ExportApi.MAX_BODY / 1024 + " KiB.");
        }
    }

    @Override
    public void setHeader(String name, String value) {
        response.setHeader(name, value);
    }

    @Override
    public void send(int status, String contentType, byte[] body) throws IOException {
        response.setStatus(status);
        response.setContentType(contentType);
        response.setContentLength(body.length);
        try (OutputStream out = response.getOutputStream()) {
            out.write(body);
        }
    }

    @Override
    public void sendFile(int status, String contentType, Path file) throws IOException {
        response.setStatus(status);
        response.setContentType(contentType);
        response.setContentLengthLong(Files.size(file));
        try (OutputStream out = response.getOutputStream()) {
            Files.copy(file, out);
        }
    }

    @Override
    public void sendStream(int status, String contentType, long length, java.io.InputStream content) throws IOException {
        response.setStatus(status);
        response.setContentType(contentType);
        response.setContentLengthLong(length);
        try (content; OutputStream out = response.getOutputStream()) {
            content.transferTo(out);
        }
    }
}
