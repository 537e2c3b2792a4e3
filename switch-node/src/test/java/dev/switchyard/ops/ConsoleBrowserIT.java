package dev.switchyard.ops;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.APIResponse;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.options.FormData;
import com.microsoft.playwright.options.RequestOptions;
import com.typesafe.config.ConfigFactory;
import dev.switchyard.node.SwitchNode;
import dev.switchyard.payment.SaltedSecret;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console in a real browser: Debian's Chromium, headless, driven by Playwright (no browser downloaded), on a
 * real node that took payments through the gateway. Each page it visits is saved as a screenshot for
 * {@code docs/console.md}. Without Chromium the test is skipped with the reason, and fails under {@code CI=true}
 * ({@code .ci/run} installs it).
 */
class ConsoleBrowserIT {

  private static final Path CHROMIUM = Path.of(System.getProperty("chromium.path", "/usr/bin/chromium"));
  private static final Path SHOTS = Path.of("../docs/console");
  private static final String VIEWER = "vera-" + SaltedSecret.generate();
  private static final String OPERATOR = "olga-" + SaltedSecret.generate();

  @TempDir static Path dir;
  static SwitchNode node;
  static String base;
  static String reference;
  static String disputed;
  static Playwright playwright;
  static Browser browser;

  @BeforeAll
  static void start() throws Exception {
    if (!Files.isExecutable(CHROMIUM)) {
      String reason = "no Chromium at " + CHROMIUM + " (apt-get install chromium)";
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        throw new IllegalStateException(reason);
      }
      Assumptions.assumeTrue(false, reason);
    }
    Map<String, Object> c = new HashMap<>();
    c.put("pekko.remote.artery.canonical.port", 0);
    c.put("pekko.management.http.port", 0);
    c.put("pekko.management.http.route-providers-read-only", false);
    c.put("switch.metrics.enabled", false);
    c.put("switch.data-dir", dir.toString());
    c.put("switch.gateway.port", 0);
    c.put("switch.operator.operators.vera.token", SaltedSecret.hash(VIEWER));
    c.put("switch.operator.operators.vera.role", "viewer");
    c.put("switch.operator.operators.olga.token", SaltedSecret.hash(OPERATOR));
    c.put("switch.operator.operators.olga.role", "operator");
    node = SwitchNode.start(SwitchNode.loadConfig("local", ConfigFactory.parseMap(c)));
    base = node.managementUri();
    reference = "order-" + UUID.randomUUID().toString().substring(0, 8);
    TestPayments.captured(node, reference, 2_500);
    disputed = TestPayments.captured(node, "order-" + UUID.randomUUID().toString().substring(0, 8), 2_500);
    TestPayments.openDispute(node, disputed, "net-1", "CB-42", 2_500, "10.4");
    Files.createDirectories(SHOTS);
    playwright = Playwright.create(new Playwright.CreateOptions()
        .setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
    browser = playwright.chromium().launch(new BrowserType.LaunchOptions().setExecutablePath(CHROMIUM)
        .setHeadless(true));
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.close();
    }
    if (playwright != null) {
      playwright.close();
    }
    if (node != null) {
      node.close();
    }
  }

  private static Page logIn(BrowserContext context, String token) {
    Page page = context.newPage();
    page.navigate(base + "/console");
    assertThat(page).hasURL(base + "/console/login");
    page.getByLabel("Operator token").fill(token);
    page.getByRole(com.microsoft.playwright.options.AriaRole.BUTTON,
        new Page.GetByRoleOptions().setName("Log in")).click();
    return page;
  }

  private static void shot(Page page, String name) {
    page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve(name + ".png")).setFullPage(true));
  }

  @Test
  void aWrongTokenIsRefusedAndAnOperatorSeesTheClusterFindsAPaymentAndAnswersADispute() throws Exception {
    try (BrowserContext context = browser.newContext(new Browser.NewContextOptions().setViewportSize(1280, 900))) {
      Page refused = logIn(context, "not-a-token");
      assertThat(refused.getByRole(com.microsoft.playwright.options.AriaRole.ALERT))
          .hasText("That token is no operator's.");
      shot(refused, "login");

      Page page = logIn(context, OPERATOR);
      assertThat(page).hasURL(base + "/console");
      assertThat(page.locator("#members")).containsText("Up");
      assertThat(page.locator("#members")).containsText("(this node)");
      assertThat(page.locator("#links")).containsText("UP");
      assertThat(page.locator("#alerts")).hasText("No alerts.");
      assertThat(page.locator(".who")).hasText("olga · operator");
      // The chart has drawn at least two samples.
      page.waitForFunction("() => Number(document.getElementById('chart').dataset.samples || 0) >= 2");
      shot(page, "overview");

      page.getByRole(com.microsoft.playwright.options.AriaRole.LINK,
          new Page.GetByRoleOptions().setName("Payments")).click();
      page.getByLabel("Acquirer", new Page.GetByLabelOptions().setExact(true)).fill("demo");
      page.getByLabel("Acquirer reference").fill(reference);
      shot(page, "payments");
      page.getByRole(com.microsoft.playwright.options.AriaRole.BUTTON,
          new Page.GetByRoleOptions().setName("Find")).click();
      assertThat(page.locator("#summary")).containsText("CAPTURED");
      assertThat(page.locator("#summary")).containsText(reference);
      assertThat(page.locator("#summary")).containsText("411111 ••• 1111");
      assertThat(page.locator("#timeline .type")).containsText(new String[] {"authorization_requested",
          "risk_assessed", "authorized", "captured"});
      assertThat(page.locator("#risk")).containsText("RISK_APPROVE");
      shot(page, "payment");

      page.navigate(base + "/console/payments/" + disputed);
      assertThat(page.locator("#dispute-CB-42 .state")).hasText("NEEDS_RESPONSE");
      page.getByLabel("Evidence reference").fill("receipt-2026-12-02");
      page.getByRole(com.microsoft.playwright.options.AriaRole.BUTTON,
          new Page.GetByRoleOptions().setName("Submit evidence")).click();
      assertThat(page.locator("#done")).hasText("Dispute CB-42: evidence done; now UNDER_REVIEW");
      assertThat(page.locator("#dispute-CB-42 .state")).hasText("UNDER_REVIEW");
      assertThat(page.locator("#timeline .type").last()).hasText("dispute_evidence_submitted");
      shot(page, "dispute");

      // A payment made now appears on the live events page as its events are written.
      page.getByRole(com.microsoft.playwright.options.AriaRole.LINK,
          new Page.GetByRoleOptions().setName("Live events")).click();
      page.getByLabel("Acquirer").fill("demo");
      page.getByRole(com.microsoft.playwright.options.AriaRole.BUTTON,
          new Page.GetByRoleOptions().setName("Filter")).click();
      page.waitForSelector("#stream-state[data-connected]");
      String live = TestPayments.captured(node, "live-" + UUID.randomUUID().toString().substring(0, 8), 2_500);
      assertThat(page.locator("#events tr", new Page.LocatorOptions().setHasText(live)).first()).isVisible();
      assertThat(page.locator("#events")).containsText("captured");
      shot(page, "events");

      // Not an admin: no audit link, and the page itself is refused.
      assertThat(page.getByRole(com.microsoft.playwright.options.AriaRole.LINK,
          new Page.GetByRoleOptions().setName("Audit"))).hasCount(0);
      assertThat(context.request().get(base + "/console/audit").status()).isEqualTo(403);
    }
  }

  @Test
  void aViewerReadsADisputeButCannotAnswerItAndAnAdminSeesItInTheAudit() throws Exception {
    String id = TestPayments.captured(node, "order-" + UUID.randomUUID().toString().substring(0, 8), 2_500);
    TestPayments.openDispute(node, id, "net-2", "CB-7", 2_500, "13.1");
    try (BrowserContext context = browser.newContext(new Browser.NewContextOptions().setViewportSize(390, 844))) {
      Page page = logIn(context, VIEWER);
      assertThat(page.locator(".who")).hasText("vera · viewer");
      shot(page, "overview-phone");
      page.navigate(base + "/console/payments/" + id);
      assertThat(page.locator("#dispute-CB-7 .state")).hasText("NEEDS_RESPONSE");
      assertThat(page.getByText("Operators answer disputes; your role reads them.")).isVisible();
      assertThat(page.getByRole(com.microsoft.playwright.options.AriaRole.BUTTON,
          new Page.GetByRoleOptions().setName("Submit evidence"))).hasCount(0);
      shot(page, "payment-viewer");
      // Posting the form anyway, with the viewer's cookie, from this console's origin.
      APIResponse forged = context.request().post(base + "/console/payments/" + id + "/disputes/CB-7/accept",
          RequestOptions.create().setHeader("Origin", base).setForm(FormData.create().set("requestId", "v-1")));
      assertThat(forged.status()).isEqualTo(403);
      page.reload();
      assertThat(page.locator("#dispute-CB-7 .state")).hasText("NEEDS_RESPONSE");
    }
    try (BrowserContext context = browser.newContext(new Browser.NewContextOptions().setViewportSize(1280, 900))) {
      Page page = logIn(context, OperatorHttp.DEMO_TOKEN);
      // Another site's page posting with the admin's cookie is refused.
      APIResponse crossSite = context.request().post(base + "/console/payments/" + id + "/disputes/CB-7/accept",
          RequestOptions.create().setHeader("Origin", "https://evil.example")
              .setForm(FormData.create().set("requestId", "x-1")));
      assertThat(crossSite.status()).isEqualTo(403);
      page.getByRole(com.microsoft.playwright.options.AriaRole.LINK,
          new Page.GetByRoleOptions().setName("Audit")).click();
      assertThat(page.locator("#audit")).containsText("vera (viewer)");
      assertThat(page.locator("#audit")).containsText("POST /console/payments/" + id + "/disputes/CB-7/accept");
      shot(page, "audit");
    }
  }
}
