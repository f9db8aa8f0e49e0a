package org.smsexport.rest;

import java.io.IOException;
import java.nio.file.Path;

/** What the API sees of one HTTP request, and how it answers: implemented once per HTTP server. */
public interface Exchange {
    /** @return the method, upper case */
    String method();

    /** @return the path, still percent-encoded, without the application's context path */
    String path();

    /** @return the query string, still percent-encoded, or {@code null} */
    String rawQuery();

    /**
     * @param name a header name
     * @return the header's first value, or {@code null}
     */
    String header(String name);

    /** @return the client's address (the peer's IP, as the server sees it), for the audit trail; empty when unknown */
    default String clientAddress() {
        return "";
    }

    /** @return the body, at most {@link ExportApi#MAX_BODY} bytes; empty for none; the same bytes however often it is asked */
    byte[] body() throws IOException;

    /**
     * @param name  a header name
     * @param value its value
     */
    void setHeader(String name, String value);

    /**
     * Sends a complete answer.
     *
     * @param status      the status code
     * @param contentType the media type
     * @param body        the body
     * @throws IOException when the client cannot be written to
     */
    void send(int status, String contentType, byte[] body) throws IOException;

    /**
     * Streams a file as the answer.
     *
     * @param status      the status code
     * @param contentType the media type
     * @param file        the file
     * @throws IOException when the file cannot be read or the client written to
     */
    void sendFile(int status, String contentType, Path file) throws IOException;

    /**
     * Streams content of a known length as the answer: a download from any storage.
     *
     * @param status      the status code
     * @param contentType the media type
     * @param length      the content's length in bytes
     * @param content     the content; the exchange owns it and closes it once it is sent or the client is gone, which
     *                    may be after this method returns (a server that sends without holding a thread)
     * @throws IOException when the content cannot be read or the client written to
     */
    void sendStream(int status, String contentType, long length, java.io.InputStream content) throws IOException;
}
