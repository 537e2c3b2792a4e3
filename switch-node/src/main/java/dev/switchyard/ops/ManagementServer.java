package dev.switchyard.ops;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.ServerBuilder;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.settings.ServerSettings;
import org.apache.pekko.management.PekkoManagementSettings;
import org.apache.pekko.management.javadsl.PekkoManagement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The management HTTP port: every route Pekko Management loads from {@code pekko.management.http.routes} (its
 * health checks and cluster routes, Cluster Bootstrap's, the switch's), behind {@link ManagementSecurity}, over
 * HTTPS when {@code switch.operator.https.enabled}. Bound here rather than by {@code PekkoManagement.start()},
 * whose only check is HTTP basic authentication over every route, health checks included.
 */
public final class ManagementServer {

  private static final Logger log = LoggerFactory.getLogger(ManagementServer.class);

  private ManagementServer() {}

  /** Binds the port and returns its base URI ({@code http[s]://host:port}). */
  public static String start(ActorSystem<?> system, Config config, DataSource dataSource, String nodeName)
      throws Exception {
    Config operator = config.getConfig("switch.operator");
    Operators operators = Operators.create(operator);
    if (operators.size() == 0) {
      log.warn("No operators configured (switch.operator.operators, operators-file): every management route but"
          + " the health checks answers 401");
    }
    Duration reload = operator.getDuration("operators-reload-interval");
    system.scheduler().scheduleAtFixedRate(reload, reload, operators::reload, system.executionContext());

    Config h = operator.getConfig("https");
    ManagementHttps https = h.getBoolean("enabled")
        ? ManagementHttps.load(Path.of(h.getString("certificate")), Path.of(h.getString("private-key")),
            h.getDuration("reload-interval"), h.getStringList("protocols"), Clock.systemUTC())
        : null;
    var classic = Adapter.toClassic(system);
    Route routes = PekkoManagement.get(classic).getRoutes(settings -> https == null ? settings
        : settings.withHttpsConnectionContext(https.connectionContext()));
    PekkoManagementSettings management = PekkoManagement.get(classic).settings();
    OperatorAudit audit = new OperatorAudit(dataSource,
        system.dispatchers().lookup(DispatcherSelector.blocking()));
    NodeServices.get(system).registerOperators(operators, audit);
    ManagementSecurity security = new ManagementSecurity(operators, audit, nodeName,
        management.getBasePath().orElse(""), operator.getString("content-security-policy"),
        https == null ? null : h.getDuration("hsts-max-age"), Clock.systemUTC());

    String bindHost = management.getHttpEffectiveBindHostname();
    ServerBuilder builder = Http.get(classic).newServerAt(bindHost, management.getHttpEffectiveBindPort())
        .withSettings(ServerSettings.create(classic).withRemoteAddressAttribute(true));
    if (https != null) {
      builder = builder.enableHttps(https.connectionContext());
    }
    ServerBinding binding = builder.bind(security.secure(routes)).toCompletableFuture().get(30, TimeUnit.SECONDS);
    binding.addToCoordinatedShutdown(Duration.ofSeconds(5), system);
    String uri = (https == null ? "http" : "https") + "://" + management.getHttpHostname() + ":"
        + binding.localAddress().getPort();
    log.info("Management {} bound to {}:{}, {} operators", uri, bindHost, binding.localAddress().getPort(),
        operators.size());
    return uri;
  }
}
