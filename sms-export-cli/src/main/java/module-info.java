/** The sms-export command line: demo, export, jobs, serve, schedules. */
module org.smsexport.cli {
    requires org.smsexport.core;
    requires org.smsexport.jdbc;
    requires org.smsexport.scheduler;
    requires org.smsexport.rest;
    requires org.smsexport.web;
    requires org.smsexport.mail;
    requires info.picocli;
    requires com.fasterxml.jackson.databind;
    requires org.slf4j;
    requires com.zaxxer.hikari;
    requires org.eclipse.jetty.server;
    requires org.eclipse.jetty.http;
    requires org.eclipse.jetty.io;
    requires org.eclipse.jetty.util;
    requires micrometer.observation;
    requires micrometer.tracing;
    requires micrometer.tracing.bridge.otel;
    requires io.opentelemetry.api;
    requires io.opentelemetry.sdk;
    requires io.opentelemetry.sdk.trace;
    requires io.opentelemetry.sdk.autoconfigure;
    // read by the REST tests' HTTP client only (compile-time; nothing in the jar needs it)
    requires static java.net.http;

    opens org.smsexport.cli to info.picocli;
}
