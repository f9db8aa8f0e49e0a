package org.smsexport.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.smsexport.core.ExportService;
import org.smsexport.jdbc.JdbcDataSource;
import org.smsexport.scheduler.ExportScheduler;
import org.smsexport.test.SlowDataSource;

/**
 * The page in a real browser (Debian's chromium, headless, through chromium-driver) against the server {@code serve}
 * runs, on the demo database: sign in, export and download, cancel, one user not seeing another's jobs, schedules
 * with their preview and cron errors, charts, Greek. Screenshots of every page go to {@code target/screenshots/}.
 */
class WebUiTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path DRIVER = Path.of("/usr/bin/chromedriver");

    @TempDir
    static Path dir;

    private static ExportService exports;
    private static ExportScheduler scheduler;
    private static RestServer server;
    private static WebDriver browser;
    private static WebDriverWait wait;
    private static final Path SHOTS = Path.of("target/screenshots");

    @BeforeAll
    static void start() throws Exception {
        boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER);
        if (!present && System.getenv("CI") != null) {
            throw new AssertionError(".ci/run installs chromium and chromium-driver; they are missing");
        }
        Assumptions.assumeTrue(present, "chromium and chromium-driver are not installed (apt-get install chromium chromium-driver)");
        Path demo = dir.resolve("demo");
        assertThat(Cli.run("demo", "--rows", "300", "--dir", demo.toString()).code()).isZero();
        DataSource db = JdbcDataSource.driverManager(DemoCommand.url(demo, true), "sa", "");
        // one type whose rows come slowly, so an export can be cancelled while it runs
        SlowDataSource slowRows = SlowDataSource.students("slow_students", 100_000, Duration.ofMillis(1));
        exports = ExportService.builder().dataSource(JdbcDataSource.of(db)).dataSource(slowRows).outputDirectory(dir.resolve("out"))
                .maxRecords(0).downloadLinks("http://localhost").build();
        scheduler = ExportScheduler.create(exports, db);
        Map<String, RestServer.User> tokens = new HashMap<>();
        RestServer.parseToken("alice:alice-password-1:user", tokens);
        RestServer.parseToken("bob:bob-password-1:user", tokens);
        RestServer.parseToken("root:root-password-1:admin", tokens);
        server = new RestServer(exports, scheduler, tokens, "127.0.0.1", 0, null);
        server.start();

        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toString())
                .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900", "--lang=en-GB");
        browser = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile()).build(), options);
        wait = new WebDriverWait(browser, Duration.ofSeconds(30));
        // the jobs table redraws while jobs run: an element read a moment ago may have been replaced
        wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
        Files.createDirectories(SHOTS);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (server != null) {
            server.close();
            scheduler.close();
            exports.close();
        }
    }

    private static String url(String hash) {
        return "http://127.0.0.1:" + server.port() + "/" + hash;
    }

    private static void signIn(String token) {
        browser.get(url(""));
        if (!browser.findElements(By.cssSelector("[data-testid=sign-out]:not([hidden])")).isEmpty()) {
            browser.findElement(By.cssSelector("[data-testid=sign-out]")).click();
        }
        WebElement form = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("form[data-testid=sign-in]")));
        form.findElement(By.name("token")).sendKeys(token);
        form.submit();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("form[data-testid=new-export]")));
    }

    private static void shot(String name) throws Exception {
        browser.manage().window().setSize(new Dimension(1280, 900));
        Thread.sleep(300);
        Files.write(SHOTS.resolve(name + "-desktop.png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
        browser.manage().window().setSize(new Dimension(360, 800));
        Thread.sleep(300);
        Files.write(SHOTS.resolve(name + "-360.png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
        browser.manage().window().setSize(new Dimension(1280, 900));
    }

    private static WebElement newestRow() {
        return browser.findElement(By.cssSelector("table[data-testid=jobs] tbody tr[data-job-id]"));
    }

    private static void export(String type, String format) {
        WebElement form = browser.findElement(By.cssSelector("form[data-testid=new-export]"));
        new Select(form.findElement(By.name("export_type"))).selectByValue(type);
        new Select(form.findElement(By.name("export_format"))).selectByValue(format);
        form.findElement(By.cssSelector("button[type=submit]")).click();
    }

    @Test
    void everythingAUserDoesInTheBrowser() throws Exception {
        try {
            walkThrough();
        } catch (Exception | AssertionError e) {
            Files.write(SHOTS.resolve("failure.png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
            Files.writeString(SHOTS.resolve("failure.html"), browser.getPageSource());
            throw e;
        }
    }

    private void walkThrough() throws Exception {
        // a wrong token is refused on the form
        browser.get(url(""));
        WebElement form = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("form[data-testid=sign-in]")));
        form.findElement(By.name("token")).sendKeys("wrong-token");
        form.submit();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("[data-testid=sign-in-error]"), "not accepted"));
        shot("sign-in");

        signIn("alice-password-1");
        export("students", "csv");
        wait.until(d -> newestRow().getAttribute("data-status").equals("completed"));
        String download = wait.until(d -> newestRow().findElement(By.cssSelector("a[data-testid=download]")).getAttribute("href"));
        String alicesJob = wait.until(d -> newestRow().getAttribute("data-job-id"));
        // the signed link works without the bearer token
        HttpResponse<String> file = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(download)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(file.statusCode()).isEqualTo(200);
        assertThat(file.body().lines().count()).as("header and the demo's 300 students").isEqualTo(301);

        export("slow_students", "csv");
        wait.until(d -> newestRow().getAttribute("data-status").equals("running"));
        wait.until(d -> {
            newestRow().findElement(By.cssSelector("[data-testid=cancel]")).click();
            return true;
        });
        wait.until(d -> newestRow().getAttribute("data-status").equals("cancelled"));
        shot("exports");

        signIn("bob-password-1");
        // the jobs table has drawn bob's first page (it marks the page it shows)
        wait.until(d -> !d.findElements(By.cssSelector("table[data-testid=jobs] tbody[data-signature]")).isEmpty());
        assertThat(browser.findElements(By.cssSelector("tr[data-job-id='" + alicesJob + "']"))).as("bob does not see alice's job").isEmpty();
        signIn("alice-password-1");

        browser.get(url("#/schedules"));
        WebElement schedule = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("form[data-testid=new-schedule]")));
        WebElement frequency = schedule.findElement(By.name("frequency"));
        frequency.clear();
        frequency.sendKeys("cron 0 2 * * 0");
        // the preview follows the typing (the default "daily" showed first): five Sundays at 02:00
        wait.until(d -> {
            List<WebElement> fires = d.findElements(By.cssSelector("[data-testid=next-fires] time[datetime]"));
            return fires.size() == 5 && fires.stream().allMatch(t -> OffsetDateTime.parse(t.getAttribute("datetime")).getDayOfWeek()
                    == DayOfWeek.SUNDAY && OffsetDateTime.parse(t.getAttribute("datetime")).getHour() == 2);
        });
        frequency.clear();
        frequency.sendKeys("cron 61 * * * *");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("[data-testid=frequency-error]"), "'61'"));
        frequency.clear();
        frequency.sendKeys("weekly");
        schedule.findElement(By.cssSelector("button[type=submit]")).click();
        wait.until(d -> !d.findElements(By.cssSelector("tr[data-schedule-id]")).isEmpty());
        shot("schedules");
        browser.findElement(By.cssSelector("tr[data-schedule-id] [data-testid=delete-schedule]")).click();
        wait.until(d -> d.findElements(By.cssSelector("tr[data-schedule-id]")).isEmpty());

        browser.get(url("#/metrics"));
        wait.until(d -> !d.findElements(By.cssSelector("[data-testid=throughput-chart] canvas")).isEmpty());
        assertThat(browser.findElements(By.cssSelector("[data-testid=duration-chart] canvas"))).isNotEmpty();
        assertThat(browser.findElement(By.cssSelector("[data-testid=stats]")).getText()).contains("%");
        shot("metrics");

        // the nodes: for administrators; a user is told so
        browser.get(url("#/nodes"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("main [role=alert]"), "administrators"));
        signIn("root-password-1");
        browser.get(url("#/nodes"));
        WebElement node = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("table[data-testid=nodes] tr[data-node]")));
        assertThat(node.getAttribute("data-node")).isEqualTo(exports.config().nodeName());
        assertThat(node.getText()).contains("s ago");
        shot("nodes");
        browser.get(url("#/exports"));
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("table[data-testid=jobs] tbody tr[data-job-id]")));
        newestRow().findElement(By.xpath(".//button[text()='Details']")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[data-testid=job-node]")));
        assertThat(browser.findElement(By.cssSelector("[data-testid=job-node]")).getText()).contains(exports.config().nodeName(), "Attempts: 1");
        signIn("alice-password-1");
        browser.get(url("#/metrics"));
        wait.until(d -> !d.findElements(By.cssSelector("[data-testid=stats]")).isEmpty());

        browser.findElement(By.cssSelector("[data-testid=lang]")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("header nav a[href='#/exports']"), "Εξαγωγές"));
        assertThat(browser.findElement(By.cssSelector("[data-testid=stats]")).getText()).contains("Ποσοστό επιτυχίας");
        browser.get(url("#/exports"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("table[data-testid=jobs] thead"), "Κατάσταση"));
        shot("exports-el");
        browser.findElement(By.cssSelector("[data-testid=lang]")).click();
    }
}
