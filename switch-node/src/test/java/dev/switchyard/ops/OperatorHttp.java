package dev.switchyard.ops;

import java.net.URI;
import java.net.http.HttpRequest;

/** Requests to a node's management port as the demo operator of the local overlays (an admin). */
public final class OperatorHttp {

  /** The demo operator's token (local.conf, multi-node.conf). */
  public static final String DEMO_TOKEN = "demo-operator-token";

  private OperatorHttp() {}

  /** A request for {@code url} carrying the demo operator's bearer token. */
  public static HttpRequest.Builder request(String url) {
    return request(url, DEMO_TOKEN);
  }

  /** A request for {@code url} carrying {@code token}. */
  public static HttpRequest.Builder request(String url, String token) {
    return HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token);
  }
}
