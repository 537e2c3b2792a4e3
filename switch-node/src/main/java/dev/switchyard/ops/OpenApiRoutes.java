package dev.switchyard.ops;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.getFromResource;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathEndOrSingleSlash;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;
import static org.apache.pekko.http.javadsl.server.Directives.redirectToTrailingSlashIfMissing;
import static org.apache.pekko.http.javadsl.server.Directives.respondWithHeaders;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Set;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.management.javadsl.ManagementRouteProvider;
import org.apache.pekko.management.javadsl.ManagementRouteProviderSettings;

/**
 * The operator API as a contract: {@code GET /openapi.json} (OpenAPI 3.1, {@code openapi/operator-api.json}) and
 * Swagger UI on it at {@code /docs/api/} (the {@code org.webjars:swagger-ui} WebJar). Both are static and open, as
 * the health checks are: they hold no data, and Swagger UI's "Authorize" takes the operator's token for its calls.
 */
public final class OpenApiRoutes implements ManagementRouteProvider {

  /** Paths {@link ManagementSecurity} lets through without a token. */
  static boolean isOpen(String relative) {
    return relative.equals("/openapi.json") || relative.equals("/docs/api") || relative.startsWith("/docs/api/");
  }

  private static final byte[] DOCUMENT = resource("openapi/operator-api.json");
  private static final String SWAGGER_UI = WebJars.dir("org.webjars", "swagger-ui");
  private static final Set<String> ASSETS = Set.of("swagger-ui.css", "swagger-ui-bundle.js", "favicon-32x32.png");
  /** Swagger UI styles its elements inline; its scripts and everything else come from this port only. */
  private static final List<org.apache.pekko.http.javadsl.model.HttpHeader> UI_HEADERS = List.of(RawHeader.create(
      "Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline';"
          + " img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"));

  @Override
  public Route routes(ManagementRouteProviderSettings settings) {
    return get(() -> concat(
        path("openapi.json", () -> complete(HttpResponse.create().withStatus(StatusCodes.OK)
            .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, DOCUMENT)))),
        pathPrefix(PathMatchers.segment("docs").slash("api"), () -> respondWithHeaders(UI_HEADERS, () -> concat(
            pathEndOrSingleSlash(() -> redirectToTrailingSlashIfMissing(StatusCodes.MOVED_PERMANENTLY,
                () -> getFromResource("openapi/ui/index.html"))),
            path("init.js", () -> getFromResource("openapi/ui/init.js")),
            path(PathMatchers.segment(), file -> ASSETS.contains(file)
                ? getFromResource(SWAGGER_UI + file)
                : complete(OperatorRoutes.error(StatusCodes.NOT_FOUND, "no such file"))))))));
  }

  private static byte[] resource(String name) {
    try (InputStream in = OpenApiRoutes.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException(name + " is missing from the classpath");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
