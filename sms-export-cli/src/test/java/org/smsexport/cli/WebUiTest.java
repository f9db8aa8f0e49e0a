package org.smsexport.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.smsexport.ExportQuery;
import org.smsexport.ExportType;
import org.smsexport.core.ExportService;
import org.smsexport.jdbc.JdbcDataSource;
import org.smsexport.jdbc.JdbcJobStore;
import org.smsexport.scheduler.ExportScheduler;
import org.smsexport.spi.RowCursor;
import org.smsexport.test.SlowDataSource;

/**
 * The page in a real browser (Debian's chromium, headless, through chromium-driver) against the server {@code serve}
 * runs, on the demo database, as a school's office uses it: the Monday report made in Greek, exports found, run again,
 * deleted after a confirmation, a failed one with its error, users' own metrics, the nodes for administrators only, no
 * sideways scrolling at 1280 and 360 px, no English left in Greek, axe-core finding nothing serious in light and dark,
 * and everything done with the keyboard alone. Screenshots of every view go to {@code target/screenshots/}.
 */
class WebUiTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path DRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path SHOTS = Path.of("target/screenshots");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Words a Greek page may show in Latin letters: formats, standards, product names, units, codes. */
    private static final Set<String> LATIN_ALLOWED = Set.of("CSV", "XLSX", "PDF", "JSON", "ODS", "Lines", "UTF", "BOM", "Excel", "Windows", "CRLF", "LF", "Unix",
            "macOS", "Tab", "ZIP", "email", "cron", "Cron", "Letter", "SHA", "English", "A4", "A1", "ID", "Etc", "UTC", "Europe", "Athens", "UA");

    @TempDir
    static Path dir;

    private static ExportService exports;
    private static ExportService slowExports;
    private static ExportScheduler scheduler;
    private static RestServer server;
    private static RestServer slowServer;
    private static DataSource db;
    private static ChromeDriver browser;
    private static WebDriverWait wait;
    private static Path downloads;
    private static String axe;
    private String test;

    @BeforeAll
    static void start() throws Exception {
        boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER);
        if (!present && System.getenv("CI") != null) {
            throw new AssertionError(".ci/run installs chromium and chromium-driver; they are missing");
        }
        Assumptions.assumeTrue(present, "chromium and chromium-driver are not installed (apt-get install chromium chromium-driver)");
        Path axeFile = axeCore();
        if (axeFile == null && System.getenv("CI") != null) {
            throw new AssertionError(".ci/run installs axe-core with npm into .ci/npm; it is missing");
        }
        Assumptions.assumeTrue(axeFile != null, "axe-core is not installed (npm install --prefix .ci/npm axe-core)");
        axe = Files.readString(axeFile);
        Path demo = dir.resolve("demo");
        assertThat(Cli.run("demo", "--rows", "300", "--dir", demo.toString()).code()).isZero();
        db = JdbcDataSource.driverManager(DemoCommand.url(demo, true), "sa", "");
        // the demo's types only, as `serve` offers them: the page and its screenshots are the real thing
        exports = ExportService.builder().dataSource(JdbcDataSource.of(db)).jobStore(JdbcJobStore.create(db))
                .outputDirectory(dir.resolve("out")).maxRecords(0).downloadLinks("http://localhost").build();
        scheduler = ExportScheduler.create(exports, db);
        Map<String, RestServer.User> tokens = new HashMap<>();
        RestServer.parseToken("alice:alice-password-1:user", tokens);
        RestServer.parseToken("bob:bob-password-1:user", tokens);
        RestServer.parseToken("root:root-password-1:admin", tokens);
        server = new RestServer(exports, scheduler, tokens, "127.0.0.1", 0, null);
        server.start();
        // another server with a type whose rows come slowly (to cancel one while it runs) and one whose rows fail
        slowExports = ExportService.builder().dataSource(SlowDataSource.students("slow_students", 100_000, Duration.ofMillis(1)))
                .dataSource(new BrokenSource()).outputDirectory(dir.resolve("slow-out")).maxRecords(0).downloadLinks("http://localhost").build();
        slowServer = new RestServer(slowExports, null, tokens, "127.0.0.1", 0, null);
        slowServer.start();

        downloads = Files.createDirectories(dir.resolve("downloads"));
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toString())
                .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900", "--lang=en-US")
                .setExperimentalOption("prefs", Map.of("download.default_directory", downloads.toString(), "download.prompt_for_download", false,
                        "intl.accept_languages", "en-US"));
        browser = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile()).build(), options);
        wait = new WebDriverWait(browser, Duration.ofSeconds(30));
        // the jobs table redraws while jobs run: an element read a moment ago may have been replaced
        wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
        Files.createDirectories(SHOTS);
    }

    /** @return axe-core's script, from AXE_CORE_JS or where .ci/run installs it (.ci/npm beside the modules) */
    private static Path axeCore() {
        String env = System.getenv("AXE_CORE_JS");
        if (env != null && Files.isRegularFile(Path.of(env))) {
            return Path.of(env);
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolve(".ci/npm/node_modules/axe-core/axe.min.js");
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (server != null) {
            server.close();
            slowServer.close();
            scheduler.close();
            exports.close();
            slowExports.close();
        }
    }

    @BeforeEach
    void name(TestInfo info) {
        test = info.getTestMethod().orElseThrow().getName();
        browser.manage().window().setSize(new Dimension(1280, 900));
        dark(false);
    }

    /** A failing test leaves the page as it was: a screenshot and its HTML. */
    @AfterEach
    void keep() throws Exception {
        Files.write(SHOTS.resolve("last-" + test + ".png"), browser.getScreenshotAs(OutputType.BYTES));
        Files.writeString(SHOTS.resolve("last-" + test + ".html"), browser.getPageSource());
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private static String url(RestServer s, String hash) {
        return "http://127.0.0.1:" + s.port() + "/" + hash;
    }

    private static void signIn(String token) {
        signIn(server, token);
    }

    private static void signIn(RestServer s, String token) {
        browser.get(url(s, ""));
        // the page has decided: the sign-in form, or a signed-in page with its sign-out button
        wait.until(d -> !d.findElements(By.cssSelector("form[data-testid=sign-in], [data-testid=sign-out]:not([hidden])")).isEmpty());
        if (!browser.findElements(By.cssSelector("[data-testid=sign-out]:not([hidden])")).isEmpty()) {
            browser.findElement(By.cssSelector("[data-testid=sign-out]")).click();
        }
        WebElement form = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("form[data-testid=sign-in]")));
        form.findElement(By.name("token")).sendKeys(token);
        form.submit();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("form[data-testid=new-export]")));
    }

    /** Switches the page to a language with its one button, which names the other language in that language's words. */
    private static void language(String lang) {
        WebElement button = browser.findElement(By.cssSelector("[data-testid=lang]"));
        if (!browser.findElement(By.tagName("html")).getAttribute("lang").equals(lang)) {
            button.click();
            wait.until(d -> d.findElement(By.tagName("html")).getAttribute("lang").equals(lang));
        }
        wait.until(ExpectedConditions.textToBe(By.cssSelector("[data-testid=lang]"), lang.equals("el") ? "English" : "Ελληνικά"));
    }

    private static void go(String hash, String ready) {
        browser.get(url(server, hash));
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(ready)));
    }

    private static void dark(boolean on) {
        browser.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("features",
                List.of(Map.of("name", "prefers-color-scheme", "value", on ? "dark" : "light"))));
    }

    private void shot(String name) throws Exception {
        Files.write(SHOTS.resolve(name + ".png"), browser.getScreenshotAs(OutputType.BYTES));
    }

    private static WebElement newestRow() {
        return browser.findElement(By.cssSelector("table[data-testid=jobs] tbody tr[data-job-id]"));
    }

    private static String newestId() {
        return wait.until(d -> newestRow().getAttribute("data-job-id"));
    }

    private static WebElement row(String id) {
        return browser.findElement(By.cssSelector("tr[data-job-id='" + id + "']"));
    }

    private static String status(String id) {
        return wait.until(d -> row(id).getAttribute("data-status"));
    }

    private static void select(WebElement scope, String css, String value) {
        new Select(scope.findElement(By.cssSelector(css))).selectByValue(value);
    }

    /** Submits the export form with a type, a format and filters (by data-filter key) and returns the new job's id. */
    private static String export(String type, String format, Map<String, String> filters) {
        Set<String> before = jobsShown();
        WebElement form = browser.findElement(By.cssSelector("form[data-testid=new-export]"));
        select(form, "select[name=export_type]", type);
        select(form, "select[name=export_format]", format);
        filters.forEach((k, v) -> {
            WebElement control = form.findElement(By.cssSelector("[data-filter='" + k + "']"));
            if (control.getTagName().equals("select")) {
                new Select(control).selectByValue(v);
            } else {
                control.clear();
                control.sendKeys(v);
            }
        });
        form.findElement(By.cssSelector("button[type=submit]")).click();
        return wait.until(d -> {
            String id = newestRow().getAttribute("data-job-id");
            return before.contains(id) ? null : id;
        });
    }

    /** @return the jobs the table shows, once it has drawn its first page (it marks the page it shows) */
    private static Set<String> jobsShown() {
        wait.until(d -> !d.findElements(By.cssSelector("table[data-testid=jobs] tbody[data-signature]")).isEmpty());
        return Set.copyOf(browser.findElements(By.cssSelector("tr[data-job-id]")).stream().map(e -> e.getAttribute("data-job-id")).toList());
    }

    private static HttpResponse<String> get(String link, String token) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(link));
        if (token != null) {
            r.header("Authorization", "Bearer " + token);
        }
        return HttpClient.newHttpClient().send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode api(String path, String token) throws Exception {
        HttpResponse<String> r = get("http://127.0.0.1:" + server.port() + "/api/v1/import-export" + path, token);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body()).get("data");
    }

    private static Object js(String script, Object... args) {
        return ((JavascriptExecutor) browser).executeScript(script, args);
    }

    /** Neither the page nor any of its parts scrolls sideways at the window's width. */
    private static void fits(String where) {
        Number overflow = (Number) js("return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
        Object culprits = js("const w = document.documentElement.clientWidth; return [...document.querySelectorAll('body *')]"
                + ".filter(e => e.getBoundingClientRect().right > w + 1 && ![...e.children].some(c => c.getBoundingClientRect().right > w + 1))"
                + ".slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + (e.name || '') + ' ' + Math.round(e.getBoundingClientRect().right)).join(', ');");
        assertThat(overflow.intValue()).as("horizontal overflow of %s at %s px: %s", where, browser.manage().window().getSize().width, culprits)
                .isLessThanOrEqualTo(0);
        @SuppressWarnings("unchecked")
        List<String> wide = (List<String>) js("return [...document.querySelectorAll('main *')].filter(e => e.scrollWidth > e.clientWidth + 1"
                + " && ['auto','scroll'].includes(getComputedStyle(e).overflowX)).map(e => e.tagName + '.' + e.className);");
        assertThat(wide).as("parts of %s that scroll sideways", where).isEmpty();
    }

    /** What a Greek page says in its labels, options, headings, buttons and legends: no English word among it. */
    private static void noEnglish(String where) {
        @SuppressWarnings("unchecked")
        List<String> texts = (List<String>) js("return [...document.querySelectorAll('label, select option, th, legend, summary, button, "
                + "h1, h2, nav a, .stat span, .muted, .u-legend th, .u-axis, [data-testid=page], dt')]"
                + ".filter(e => e.closest('[hidden], [data-testid=job-filters], [data-testid=schedule-filters], [data-testid=metrics-owner]') === null).map(e => e.textContent.trim()).filter(t => t);");
        List<String> english = new ArrayList<>();
        Pattern word = Pattern.compile("[A-Za-z][A-Za-z]+");
        for (String text : texts) {
            Matcher m = word.matcher(text);
            while (m.find()) {
                if (!LATIN_ALLOWED.contains(m.group()) && !text.matches(".*\\b[a-z]+_[a-z0-9_]+\\b.*") && !text.contains("@")) {
                    english.add(text);
                    break;
                }
            }
        }
        assertThat(english).as("English on the Greek %s", where).isEmpty();
    }

    /** axe-core, injected into the page, finds no violation of impact serious or critical. */
    private static void accessible(String where) {
        js(axe);
        Object result = ((JavascriptExecutor) browser).executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                        + "axe.run(document, { resultTypes: ['violations'] }).then(r => done(JSON.stringify(r.violations"
                        + ".filter(v => v.impact === 'serious' || v.impact === 'critical')"
                        + ".map(v => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' ' + n.failureSummary) })))))"
                        + ".catch(e => done('axe failed: ' + e));");
        assertThat(String.valueOf(result)).as("axe-core on %s", where).isEqualTo("[]");
    }

    /** Presses Tab until the focused element matches, at most 120 times; asserts that focus is visible there. */
    private static WebElement tabTo(String css) {
        for (int i = 0; i < 120; i++) {
            new Actions(browser).sendKeys(Keys.TAB).perform();
            WebElement active = browser.switchTo().activeElement();
            if ((Boolean) js("return arguments[0].matches(arguments[1]);", active, css)) {
                assertThat((String) js("const s = getComputedStyle(arguments[0]); return s.outlineStyle + ' ' + s.outlineWidth;", active))
                        .as("focus is visible on %s", css).doesNotStartWith("none").doesNotEndWith(" 0px");
                return active;
            }
        }
        throw new AssertionError("Tab never reached " + css);
    }

    /** Clicks what the locator finds when it is clicked: a list that redraws meanwhile is found again. */
    private static void click(By locator) {
        wait.until(d -> {
            d.findElement(locator).click();
            return true;
        });
    }

    /**
     * Types into a text field until it holds exactly the text: a field with a list of suggestions (the zone's) lost its
     * last keystrokes to the list's popup once on a busy CI machine ("Europe/Athe").
     */
    private static void type(WebElement field, String text) {
        wait.until(d -> {
            field.clear();
            field.sendKeys(text);
            return text.equals(field.getAttribute("value"));
        });
    }

    private static void press(CharSequence key) {
        new Actions(browser).sendKeys(key).perform();
    }

    // ------------------------------------------------------------------------------------------------ tests

    @Test
    void aSecretaryMakesTheMondayReportInGreek() throws Exception {
        signIn("alice-password-1");
        language("el");
        go("#/schedules", "form[data-testid=new-schedule]");
        WebElement form = browser.findElement(By.cssSelector("form[data-testid=new-schedule]"));
        select(form, "select[name=export_type]", "students");
        select(form, "select[name=export_format]", "pdf");
        select(form, "[data-filter=status]", "active");
        form.findElement(By.cssSelector("[data-filter=class_division]")).sendKeys("A1");
        select(form, "select[name=locale]", "el");
        assertThat(new Select(form.findElement(By.name("frequency"))).getFirstSelectedOption().getText()).isEqualTo("Κάθε Δευτέρα στις 02:00");
        type(form.findElement(By.name("zone")), "Europe/Athens");
        form.findElement(By.name("notify_email")).sendKeys("office@school.example");
        form.findElement(By.cssSelector("details.more summary")).click();
        select(form, "select[name=orientation]", "landscape");
        // the next runs: Mondays at 02:00 in Athens, said so, whatever the browser's zone
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("[data-testid=next-fires-title]"), "Europe/Athens"));
        wait.until(d -> {
            List<WebElement> fires = d.findElements(By.cssSelector("[data-testid=next-fires] time[datetime]"));
            return fires.size() == 5 && fires.stream().allMatch(t -> {
                OffsetDateTime at = OffsetDateTime.parse(t.getAttribute("datetime"));
                return at.getDayOfWeek() == DayOfWeek.MONDAY && at.getHour() == 2 && t.getText().contains("02:00");
            });
        });
        noEnglish("schedule form");
        shot("schedules-el-1280-form");
        form.findElement(By.cssSelector("button[type=submit]")).click();
        WebElement schedule = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("tr[data-schedule-id]")));
        assertThat(schedule.getText()).contains("Φοιτητές · PDF", "Κατάσταση: Ενεργός", "Τμήμα: A1", "Γλώσσα: Ελληνικά",
                "office@school.example", "Κάθε Δευτέρα στις 02:00", "Europe/Athens");
        assertThat(schedule.findElement(By.cssSelector("[data-testid=schedule-next]")).getText()).contains("02:00", "(Europe/Athens)");
        JsonNode saved = api("/schedules", "alice-password-1").get(0);
        assertThat(saved.get("filters")).isEqualTo(JSON.readTree("{\"class_division\":\"A1\",\"status\":\"active\"}"));
        assertThat(saved.get("locale").asText()).isEqualTo("el");
        assertThat(saved.get("zone").asText()).isEqualTo("Europe/Athens");
        assertThat(saved.get("notify_email").asText()).isEqualTo("office@school.example");
        assertThat(saved.get("frequency_text").asText()).isEqualTo("weekly");

        // run it now; its run links to its export, which shows its filters and language and downloads a Greek PDF
        schedule.findElement(By.cssSelector("[data-testid=run-schedule]")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("[data-testid=announce]"), "ξεκίνησε"));
        click(By.cssSelector("tr[data-schedule-id] [data-testid=schedule-runs]"));
        wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("[data-testid=run-job]")));
        shot("schedules-el-1280");
        browser.manage().window().setSize(new Dimension(360, 800));
        fits("the schedules in Greek");
        shot("schedules-el-360");
        browser.manage().window().setSize(new Dimension(1280, 900));
        click(By.cssSelector("[data-testid=run-job]"));
        wait.until(d -> d.findElement(By.cssSelector("[data-testid=job-search]")).getAttribute("value").length() == 20);
        String job = browser.findElement(By.cssSelector("[data-testid=job-search]")).getAttribute("value");
        wait.until(d -> d.findElements(By.cssSelector("tr[data-job-id]")).size() == 1 && status(job).equals("completed"));
        assertThat(row(job).findElement(By.cssSelector("[data-testid=job-filters]")).getText()).isEqualTo("Κατάσταση: Ενεργός · Τμήμα: A1");
        assertThat(row(job).findElement(By.cssSelector("[data-testid=job-language]")).getText()).isEqualTo("Γλώσσα: Ελληνικά");
        HttpResponse<String> pdf = get(row(job).findElement(By.cssSelector("a[data-testid=download]")).getAttribute("href"), null);
        assertThat(pdf.statusCode()).isEqualTo(200);
        assertThat(pdf.body()).startsWith("%PDF");
        noEnglish("the exports");

        // deleting asks first: keeping it keeps it, confirming removes it
        go("#/schedules", "tr[data-schedule-id]");
        browser.findElement(By.cssSelector("[data-testid=delete-schedule]")).click();
        WebElement dialog = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("dialog[data-testid=confirm]")));
        assertThat(dialog.getText()).contains("Διαγραφή του προγραμματισμού;", "Φοιτητές · PDF");
        dialog.findElement(By.cssSelector("[data-testid=confirm-cancel]")).click();
        wait.until(ExpectedConditions.invisibilityOf(dialog));
        assertThat(browser.findElements(By.cssSelector("tr[data-schedule-id]"))).hasSize(1);
        browser.findElement(By.cssSelector("[data-testid=delete-schedule]")).click();
        wait.until(ExpectedConditions.visibilityOf(dialog)).findElement(By.cssSelector("[data-testid=confirm-ok]")).click();
        wait.until(d -> d.findElements(By.cssSelector("tr[data-schedule-id]")).isEmpty());
        language("en");
    }

    @Test
    void exportsAreFilteredFoundRunAgainAndDeletedAfterAConfirmation() throws Exception {
        signIn("alice-password-1");
        language("en");
        String a1 = export("students", "csv", Map.of("status", "active", "class_division", "A1"));
        wait.until(d -> status(a1).equals("completed"));
        // the announcement a screen reader hears
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("[data-testid=announce]"), "Completed"));
        assertThat(row(a1).findElement(By.cssSelector("[data-testid=job-filters]")).getText()).isEqualTo("Status: Active · Class: A1");
        HttpResponse<String> file = get(row(a1).findElement(By.cssSelector("a[data-testid=download]")).getAttribute("href"), null);
        assertThat(file.statusCode()).isEqualTo(200);
        List<String> lines = file.body().lines().skip(1).toList();
        assertThat(lines).isNotEmpty().allMatch(l -> l.contains(",A1,") && l.endsWith(",active"));

        // a date filter is typed day-first in either language; a wrong one is named, not sent
        String none = export("students", "csv", Map.of("search", "zzqqxx"));
        wait.until(d -> status(none).equals("completed"));
        assertThat(row(none).findElement(By.cssSelector("[data-testid=job-warning]")).getText()).contains("No rows matched the filters");
        WebElement form = browser.findElement(By.cssSelector("form[data-testid=new-export]"));
        form.findElement(By.cssSelector("[data-filter=enrolled_from]")).sendKeys("31/02/2024");
        form.findElement(By.cssSelector("button[type=submit]")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("[data-testid=export-error]"), "“31/02/2024” in “Enrolled on or after”"));
        WebElement from = form.findElement(By.cssSelector("[data-filter=enrolled_from]"));
        from.clear();
        from.sendKeys("01/09/2025");
        form.findElement(By.cssSelector("[data-filter=search]")).clear();
        form.findElement(By.cssSelector("button[type=submit]")).click();
        wait.until(d -> !newestId().equals(none) && status(newestId()).equals("completed"));
        String recent = newestId();
        assertThat(exports.request(org.smsexport.JobId.of(recent)).orElseThrow().filters()).extractingByKey("enrolled_from").hasToString("2025-09-01");

        // found by part of its file name, or by the start of its id
        WebElement search = browser.findElement(By.cssSelector("[data-testid=job-search]"));
        String fileName = exports.job(org.smsexport.JobId.of(a1)).orElseThrow().fileName().orElseThrow();
        search.sendKeys(fileName.substring(fileName.length() - 16, fileName.length() - 4));
        wait.until(d -> d.findElements(By.cssSelector("tr[data-job-id]")).stream().map(e -> e.getAttribute("data-job-id")).toList().equals(List.of(a1)));
        search.clear();
        search.sendKeys(none.substring(0, 6));
        wait.until(d -> d.findElements(By.cssSelector("tr[data-job-id]")).stream().map(e -> e.getAttribute("data-job-id")).toList().equals(List.of(none)));
        search.clear();
        wait.until(d -> d.findElements(By.cssSelector("tr[data-job-id]")).size() >= 3);

        // run again: a new job of the same request
        row(a1).findElement(By.cssSelector("[data-testid=rerun]")).click();
        wait.until(d -> !newestId().equals(recent) && status(newestId()).equals("completed"));
        String again = newestId();
        assertThat(exports.request(org.smsexport.JobId.of(again)).orElseThrow().filters()).isEqualTo(exports.request(org.smsexport.JobId.of(a1)).orElseThrow().filters());

        // delete asks first; Escape keeps it and gives focus back; confirming deletes the job and its file
        WebElement delete = row(again).findElement(By.cssSelector("[data-testid=delete]"));
        delete.click();
        WebElement dialog = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("dialog[data-testid=confirm]")));
        assertThat(dialog.getText()).contains("Delete this export?", again.substring(0, 8));
        press(Keys.ESCAPE);
        wait.until(ExpectedConditions.invisibilityOf(dialog));
        assertThat(browser.switchTo().activeElement().getAttribute("data-testid")).isEqualTo("delete");
        assertThat(status(again)).isEqualTo("completed");
        row(again).findElement(By.cssSelector("[data-testid=delete]")).click();
        wait.until(ExpectedConditions.visibilityOf(dialog)).findElement(By.cssSelector("[data-testid=confirm-ok]")).click();
        wait.until(d -> d.findElements(By.cssSelector("tr[data-job-id='" + again + "']")).isEmpty());
        assertThat(exports.job(org.smsexport.JobId.of(again))).isEmpty();

        // the details: the whole id, the file, the node and the attempts
        row(a1).findElement(By.cssSelector("[data-testid=details]")).click();
        WebElement node = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[data-details-of='" + a1 + "'] [data-testid=job-node]")));
        assertThat(node.getText()).contains(exports.config().nodeName(), "Attempts: 1");
        shot("exports-en-1280");
        fits("the exports in English");
        browser.manage().window().setSize(new Dimension(360, 800));
        fits("the exports in English");
        shot("exports-en-360");
    }

    @Test
    void aFailedExportShowsItsErrorAndARunningOneCanBeCancelled() {
        signIn(slowServer, "alice-password-1");
        language("en");
        String broken = export("broken_students", "csv", Map.of());
        wait.until(d -> status(broken).equals("failed"));
        assertThat(row(broken).findElement(By.cssSelector("[data-testid=job-error]")).getText()).contains("the register is unreadable");
        String slow = export("slow_students", "xlsx", Map.of());
        wait.until(d -> status(slow).equals("running"));
        wait.until(d -> {
            row(slow).findElement(By.cssSelector("[data-testid=cancel]")).click();
            return true;
        });
        wait.until(d -> status(slow).equals("cancelled"));
        // only the failed ones, each with its error
        select(browser.findElement(By.cssSelector(".toolbar")), "select[name=status]", "failed");
        wait.until(d -> d.findElements(By.cssSelector("tr[data-job-id]")).stream().map(e -> e.getAttribute("data-job-id")).toList().equals(List.of(broken)));
        select(browser.findElement(By.cssSelector(".toolbar")), "select[name=status]", "");
    }

    @Test
    void usersSeeTheirOwnMetricsAndAdministratorsEveryonesAndTheNodes() throws Exception {
        signIn("bob-password-1");
        language("en");
        String bobs = export("courses", "xlsx", Map.of());
        wait.until(d -> status(bobs).equals("completed"));
        signIn("alice-password-1");
        String alices = export("courses", "pdf", Map.of());
        wait.until(d -> status(alices).equals("completed"));
        long bobTotal = exports.performance().performanceStats(Optional.empty(), 7, Optional.of("bob")).totalExports();
        long everyone = exports.performance().performanceStats(Optional.empty(), 7).totalExports();
        assertThat(everyone).isGreaterThan(bobTotal);

        signIn("bob-password-1");
        assertThat(browser.findElement(By.cssSelector("[data-testid=nav-nodes]")).isDisplayed()).as("the Nodes tab is for administrators").isFalse();
        go("#/metrics", "[data-testid=stats] [data-stat=total]");
        assertThat(browser.findElement(By.cssSelector("[data-stat=total] b")).getText()).isEqualTo(String.valueOf(bobTotal));
        assertThat(browser.findElements(By.cssSelector("[data-testid=metrics-owner]"))).isEmpty();
        browser.get(url(server, "#/nodes"));
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("form[data-testid=new-export]")));

        signIn("root-password-1");
        go("#/metrics", "[data-testid=stats] [data-stat=total]");
        wait.until(ExpectedConditions.textToBe(By.cssSelector("[data-stat=total] b"), String.format(java.util.Locale.UK, "%,d", everyone)));
        WebElement owner = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[data-testid=metrics-owner]")));
        wait.until(d -> new Select(owner).getOptions().size() >= 3);
        new Select(owner).selectByValue("bob");
        wait.until(ExpectedConditions.textToBe(By.cssSelector("[data-stat=total] b"), String.valueOf(bobTotal)));
        wait.until(d -> !d.findElements(By.cssSelector("[data-testid=throughput-chart] canvas")).isEmpty());
        shot("metrics-en-1280");

        // a node silent for two days is hidden until asked for
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO sms_export_nodes (name, started_at, last_heartbeat, running_jobs, workers) VALUES (?, ?, ?, 0, 2)")) {
            ps.setString(1, "old-node");
            ps.setObject(2, java.time.LocalDateTime.now(java.time.ZoneOffset.UTC).minusDays(3));
            ps.setObject(3, java.time.LocalDateTime.now(java.time.ZoneOffset.UTC).minusDays(2));
            ps.executeUpdate();
        }
        assertThat(browser.findElement(By.cssSelector("[data-testid=nav-nodes]")).isDisplayed()).isTrue();
        go("#/nodes", "table[data-testid=nodes] tr[data-node]");
        WebElement node = browser.findElement(By.cssSelector("tr[data-node]"));
        assertThat(node.getAttribute("data-node")).isEqualTo(exports.config().nodeName());
        assertThat(node.getText()).contains("s ago");
        assertThat(browser.findElements(By.cssSelector("tr[data-node=old-node]"))).isEmpty();
        browser.findElement(By.cssSelector("[data-testid=all-nodes]")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("tr[data-node=old-node].stale")));
        browser.findElement(By.cssSelector("[data-testid=all-nodes]")).click();
        shot("nodes-en-1280");
    }

    @Test
    void everyViewFitsSpeaksGreekAndPassesAxeInLightAndDark() throws Exception {
        browser.get(url(server, ""));
        wait.until(d -> !d.findElements(By.cssSelector("form[data-testid=sign-in], [data-testid=sign-out]:not([hidden])")).isEmpty());
        if (browser.findElements(By.cssSelector("form[data-testid=sign-in]")).isEmpty()) {
            browser.findElement(By.cssSelector("[data-testid=sign-out]")).click();
        }
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("form[data-testid=sign-in]")));
        accessible("the sign-in page");
        signIn("root-password-1");
        // something in every table: a job with its details open, a schedule with its runs
        String job = export("grades", "csv", Map.of());
        wait.until(d -> status(job).equals("completed"));
        JsonNode made = JSON.readTree(HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url(server, "api/v1/import-export/schedules")))
                .header("Authorization", "Bearer root-password-1").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"export_type\":\"courses\",\"export_format\":\"xlsx\",\"frequency\":\"daily\","
                        + "\"zone\":\"Europe/Athens\",\"filters\":{\"semester\":\"Fall\"}}")).build(), HttpResponse.BodyHandlers.ofString()).body());
        String schedule = made.get("data").get("id").asText();
        try {
            for (String lang : List.of("en", "el")) {
                go("#/exports", "form[data-testid=new-export]");
                language(lang);
                for (String view : List.of("exports", "schedules", "metrics", "nodes")) {
                    go("#/" + view, view.equals("exports") ? "tr[data-job-id]" : view.equals("schedules") ? "tr[data-schedule-id]"
                            : view.equals("metrics") ? "[data-stat=total]" : "tr[data-node]");
                    if (view.equals("exports")) {
                        newestRow().findElement(By.cssSelector("[data-testid=details]")).click();
                        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[data-details-of]")));
                    } else if (view.equals("schedules")) {
                        browser.findElement(By.cssSelector("[data-testid=schedule-runs]")).click();
                        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("tr.details")));
                    } else if (view.equals("metrics")) {
                        wait.until(d -> !d.findElements(By.cssSelector("[data-testid=throughput-chart] canvas")).isEmpty());
                    }
                    for (int width : new int[] {1280, 360}) {
                        browser.manage().window().setSize(new Dimension(width, width == 360 ? 800 : 900));
                        fits(view + " in " + lang);
                        if (lang.equals("el")) {
                            noEnglish(view);
                        }
                        accessible(view + " in " + lang + " at " + width + " px");
                        // the form at the top on a desktop; on a phone, the list as cards
                        js(width == 360 && !view.equals("metrics") ? "document.querySelector('table.cards').scrollIntoView()" : "window.scrollTo(0, 0)");
                        shot(view + "-" + lang + "-" + width);
                    }
                    browser.manage().window().setSize(new Dimension(1280, 900));
                    dark(true);
                    accessible(view + " in " + lang + ", dark");
                    if (lang.equals("el") && view.equals("exports")) {
                        shot(view + "-" + lang + "-1280-dark");
                    }
                    dark(false);
                }
            }
            // the confirmation dialog too
            go("#/exports", "tr[data-job-id] [data-testid=delete]");
            newestRow().findElement(By.cssSelector("[data-testid=delete]")).click();
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("dialog[data-testid=confirm]")));
            accessible("the confirmation");
            noEnglish("the confirmation");
            press(Keys.ESCAPE);
        } finally {
            api("/schedules", "root-password-1");
            HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url(server, "api/v1/import-export/schedules/" + schedule)))
                    .header("Authorization", "Bearer root-password-1").DELETE().build(), HttpResponse.BodyHandlers.ofString());
            language("en");
        }
    }

    @Test
    void theKeyboardAloneExportsDownloadsAndSchedules() throws Exception {
        signIn("alice-password-1");
        language("en");
        browser.findElement(By.tagName("body")).click();
        js("document.activeElement.blur(); window.scrollTo(0, 0);");
        // the skip link comes first
        tabTo("a.skip");
        WebElement type = tabTo("select[name=export_type]");
        assertThat(new Select(type).getFirstSelectedOption().getAttribute("value")).isEqualTo("students");
        WebElement format = tabTo("select[name=export_format]");
        press(Keys.ARROW_DOWN);
        wait.until(d -> !new Select(format).getFirstSelectedOption().getAttribute("value").equals("csv"));
        String chosen = new Select(format).getFirstSelectedOption().getAttribute("value");
        tabTo("form[data-testid=new-export] button[type=submit]");
        Set<String> before = jobsShown();
        press(Keys.ENTER);
        String job = wait.until(d -> before.contains(newestId()) ? null : newestId());
        wait.until(d -> status(job).equals("completed"));
        assertThat(exports.job(org.smsexport.JobId.of(job)).orElseThrow().format()).isEqualTo(chosen);
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("[data-testid=announce]"), job.substring(0, 8)));
        WebElement download = tabTo("tr[data-job-id='" + job + "'] a[data-testid=download]");
        assertThat(download.getAttribute("href")).contains(job);
        press(Keys.ENTER);
        String fileName = exports.job(org.smsexport.JobId.of(job)).orElseThrow().fileName().orElseThrow().replaceAll("[^A-Za-z0-9._-]", "_");
        wait.until(d -> Files.isRegularFile(downloads.resolve(fileName)));
        assertThat(Files.size(downloads.resolve(fileName))).isEqualTo(exports.job(org.smsexport.JobId.of(job)).orElseThrow().fileSizeBytes());

        // to the schedules, and a schedule made with Tab, arrows and Space
        js("document.activeElement.blur(); window.scrollTo(0, 0);");
        tabTo("header nav a[href='#/schedules']");
        press(Keys.ENTER);
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("form[data-testid=new-schedule]")));
        WebElement frequency = tabTo("select[name=frequency]");
        press(Keys.ARROW_UP);
        wait.until(d -> new Select(frequency).getFirstSelectedOption().getAttribute("value").equals("daily"));
        WebElement delta = tabTo("input[name=delta]");
        press(Keys.SPACE);
        assertThat(delta.isSelected()).isTrue();
        tabTo("form[data-testid=new-schedule] button[type=submit]");
        press(Keys.SPACE);
        WebElement schedule = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("tr[data-schedule-id]")));
        assertThat(schedule.getText()).contains("Every day at 02:00");
        JsonNode saved = api("/schedules", "alice-password-1").get(0);
        assertThat(saved.get("delta").asBoolean()).isTrue();

        // the confirmation keeps focus inside while open and gives it back when closed
        WebElement delete = tabTo("[data-testid=delete-schedule]");
        press(Keys.ENTER);
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("dialog[data-testid=confirm]")));
        for (int i = 0; i < 4; i++) {
            assertThat((Boolean) js("return document.activeElement.closest('dialog') !== null;")).as("focus stays in the dialog").isTrue();
            press(Keys.TAB);
        }
        press(Keys.ESCAPE);
        wait.until(ExpectedConditions.invisibilityOfElementLocated(By.cssSelector("dialog[data-testid=confirm]")));
        assertThat(browser.switchTo().activeElement()).isEqualTo(delete);
        press(Keys.ENTER);
        WebElement ok = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[data-testid=confirm-ok]")));
        while (!ok.equals(browser.switchTo().activeElement())) {
            press(Keys.TAB);
        }
        press(Keys.SPACE);
        wait.until(d -> d.findElements(By.cssSelector("tr[data-schedule-id]")).isEmpty());
    }

    /** A type whose rows cannot be read: the export fails with the source's words. */
    private static final class BrokenSource implements org.smsexport.spi.DataSource {
        private final ExportType type = ExportType.builder("broken_students").columns(ExportType.STUDENTS.columns().toArray(org.smsexport.Column[]::new)).build();

        @Override
        public List<ExportType> types() {
            return List.of(type);
        }

        @Override
        public RowCursor open(ExportQuery query) {
            throw new org.smsexport.StorageException("the register is unreadable (test)", null);
        }
    }
}
