package dev.switchyard.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigIncludeContext;
import com.typesafe.config.ConfigIncluder;
import com.typesafe.config.ConfigIncluderClasspath;
import com.typesafe.config.ConfigIncluderFile;
import com.typesafe.config.ConfigIncluderURL;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigResolveOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;

/**
 * A HOCON or JSON document an operator posts (a routing table, a risk rule set), read so that it cannot reach
 * anything outside itself, and the checks its readers share: each refusal names the field at fault.
 */
public final class PostedDocument {

  private PostedDocument() {}

  /** A refused document: which field, and why. */
  public static final class Invalid extends IllegalArgumentException {
    private final String field;
    private final String reason;

    public Invalid(String field, String reason) {
      super(field + ": " + reason);
      this.field = field;
      this.reason = reason;
    }

    public String field() {
      return field;
    }

    public String reason() {
      return reason;
    }
  }

  /** The path of {@code key} inside {@code at} ("" for the top). */
  public static String key(String at, String key) {
    return at.isEmpty() ? key : at + "." + key;
  }

  /** The non-empty string at {@code key}; refuses one missing or of another type. */
  public static String string(Config c, String key, String at) {
    if (!c.hasPath(key)) {
      throw new Invalid(key(at, key), "missing");
    }
    ConfigValue v = c.getValue(key);
    if (v.valueType() != ConfigValueType.STRING || ((String) v.unwrapped()).isBlank()) {
      throw new Invalid(key(at, key), "not a non-empty string");
    }
    return (String) v.unwrapped();
  }

  /**
   * {@code document} parsed and resolved: no include (file, URL or class path resource) and no environment in
   * substitutions, so a posted {@code ${SOME_SECRET}} never comes back in a refusal or a log line. Throws
   * {@link ConfigException} for a document that is not one.
   */
  public static Config parse(String document) {
    return ConfigFactory.parseString(document, ConfigParseOptions.defaults().setIncluder(new NoIncludes()))
        .resolve(ConfigResolveOptions.noSystem());
  }

  private static final class NoIncludes implements ConfigIncluder, ConfigIncluderFile, ConfigIncluderURL,
      ConfigIncluderClasspath {
    private static ConfigObject refuse() {
      throw new ConfigException.Generic("include is not allowed in a posted document");
    }

    @Override
    public ConfigIncluder withFallback(ConfigIncluder fallback) {
      return this;
    }

    @Override
    public ConfigObject include(ConfigIncludeContext context, String what) {
      return refuse();
    }

    @Override
    public ConfigObject includeFile(ConfigIncludeContext context, java.io.File what) {
      return refuse();
    }

    @Override
    public ConfigObject includeURL(ConfigIncludeContext context, java.net.URL what) {
      return refuse();
    }

    @Override
    public ConfigObject includeResources(ConfigIncludeContext context, String what) {
      return refuse();
    }
  }
}
