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

/** A HOCON or JSON document an operator posts, read so that it cannot reach anything outside itself. */
public final class PostedDocument {

  private PostedDocument() {}

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
