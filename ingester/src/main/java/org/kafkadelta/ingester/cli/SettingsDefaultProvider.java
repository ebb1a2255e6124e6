package org.kafkadelta.ingester.cli;

import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Supplies option values not given on the command line: first from environment variables
 * ({@code INGESTER_COMMIT_INTERVAL} for {@code --commit-interval}), then from the config file (key
 * {@code commit-interval}); otherwise the option's own default applies.
 */
final class SettingsDefaultProvider implements IDefaultValueProvider {
  static final String ENV_PREFIX = "INGESTER_";

  private final Map<String, String> environment;
  private final Map<String, String> configFile;

  SettingsDefaultProvider(Map<String, String> environment, Map<String, String> configFile) {
    this.environment = environment;
    this.configFile = configFile;
  }

  static String environmentName(String optionName) {
    return ENV_PREFIX + optionName.toUpperCase(Locale.ROOT).replace('-', '_');
  }

  @Override
  public String defaultValue(ArgSpec arg) {
    if (!(arg instanceof OptionSpec option) || !option.longestName().startsWith("--")) {
      return null;
    }
    String name = option.longestName().substring(2);
    String fromEnv = environment.get(environmentName(name));
    if (fromEnv != null) {
      return fromEnv;
    }
    return configFile.get(name);
  }
}
