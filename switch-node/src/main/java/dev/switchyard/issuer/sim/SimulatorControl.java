package dev.switchyard.issuer.sim;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A small HTTP port to switch the simulator's mode at run time: {@code GET /mode} says it, {@code POST
 * /mode/normal}, {@code /mode/slow}, {@code /mode/silent}, {@code /mode/drop} or {@code /mode/garbage} sets it.
 */
public final class SimulatorControl implements AutoCloseable {

  private final HttpServer server;

  private SimulatorControl(HttpServer server) {
    this.server = server;
  }

  public static SimulatorControl start(IsoIssuerSimulator simulator, String host, int port) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 0);
    server.createContext("/mode", exchange -> handle(simulator, exchange));
    server.start();
    return new SimulatorControl(server);
  }

  private static void handle(IsoIssuerSimulator simulator, HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    String method = exchange.getRequestMethod();
    int status = 200;
    String body;
    if ("GET".equals(method) && path.equals("/mode")) {
      body = simulator.mode().name().toLowerCase(Locale.ROOT);
    } else if ("POST".equals(method) && path.startsWith("/mode/")) {
      try {
        simulator.mode(IsoIssuerSimulator.Mode.valueOf(path.substring("/mode/".length()).toUpperCase(Locale.ROOT)));
        body = simulator.mode().name().toLowerCase(Locale.ROOT);
      } catch (IllegalArgumentException unknown) {
        status = 400;
        body = "mode must be one of normal, slow, silent, drop, garbage";
      }
    } else {
      status = 404;
      body = "GET /mode, or POST /mode/{normal|slow|silent|drop|garbage}";
    }
    byte[] bytes = (body + "\n").getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
