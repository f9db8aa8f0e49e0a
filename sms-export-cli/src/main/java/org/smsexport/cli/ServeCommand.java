package org.smsexport.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import javax.sql.DataSource;
import org.smsexport.InvalidRequestException;
import org.smsexport.core.ExportService;
import org.smsexport.jdbc.JdbcDataSource;
import org.smsexport.scheduler.ExportScheduler;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The original system's export API over HTTP, with bearer tokens and signed download links. */
@Command(name = "serve", mixinStandardHelpOptions = true, description = "Serve the export REST API (jobs kept in the database's "
        + "export_jobs table).")
final class ServeCommand extends Common implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    DatabaseOptions database;

    @Option(names = "--port", defaultValue = "8080", description = "Port (default ${DEFAULT-VALUE}; 0 for any free one).")
    int port;

    @Option(names = "--bind", defaultValue = "127.0.0.1", description = "Address to listen on (default ${DEFAULT-VALUE}).")
    String bind;

    @Option(names = "--token", paramLabel = "USER:SECRET:ROLE", description = "A bearer token, repeatable; ROLE is user or admin.")
    List<String> tokenSpecs = List.of();

    @Option(names = "--tokens-file", paramLabel = "FILE", description = "Tokens, one USER:SECRET:ROLE per line.")
    Path tokensFile;

    @Option(names = "--public-url", description = "Base URL put in download links (default http://localhost:PORT).")
    String publicUrl;

    @Option(names = "--out", paramLabel = "DIR", description = "Where exports are written (default: the demo's, or data/exports).")
    Path outDir;

    @Option(names = "--run-schedules", defaultValue = "true", arity = "1", description = "Also execute due schedules in this "
            + "process (default ${DEFAULT-VALUE}); /schedules works either way.")
    boolean runSchedules;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Map<String, RestServer.User> tokens = new HashMap<>();
        for (String t : tokenSpecs) {
            RestServer.parseToken(t, tokens);
        }
        if (tokensFile != null) {
            for (String line : Files.readAllLines(tokensFile)) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    RestServer.parseToken(line.strip(), tokens);
                }
            }
        }
        if (tokens.isEmpty()) {
            throw new InvalidRequestException("No tokens: pass --token USER:SECRET:ROLE (or --tokens-file); the API never runs open.");
        }
        DataSource db = database.open();
        Path exportsDir = database.exportsDir(outDir);
        if (port == 0) {
            // links in mails need the real port before the service is built: pick a free one now
            try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
                port = probe.getLocalPort();
            }
        }
        String base = publicUrl != null ? publicUrl : "http://localhost:" + port;
        try (ExportService exports = DatabaseOptions.jobsIn(db).dataSource(JdbcDataSource.of(db))
                .outputDirectory(exportsDir).downloadLinks(base, null).build();
                ExportScheduler scheduler = ExportScheduler.create(exports, db);
                RestServer server = new RestServer(exports, scheduler, tokens, bind, port, base)) {
            if (runSchedules) {
                scheduler.start();
            }
            server.start();
            out.println("sms-export API on http://" + bind + ":" + server.port() + " (links: " + server.publicUrl()
                    + "); Ctrl-C stops it");
            untilStopped();
        }
        return 0;
    }
}
