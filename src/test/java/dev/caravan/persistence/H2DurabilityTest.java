package dev.caravan.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.config.YamlPropertiesFactoryBean;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.FileSystemResource;
import org.springframework.core.io.Resource;

/**
 * The embedded H2 database as Caravan configures it by default (and in the demo profile) keeps
 * every commit that returned when its process is killed with SIGKILL. H2's default keeps up to
 * 500 ms of commits in memory (WRITE_DELAY): a killed gateway lost the refresh tokens it had
 * just handed out. A child JVM commits rows one by one and prints each once committed; it is
 * killed mid-stream and every printed row must be in the file.
 */
class H2DurabilityTest {

    @ParameterizedTest
    @ValueSource(strings = {"classpath:application.yaml", "config/application-demo.yaml"})
    void everyCommitThatReturnedSurvivesSigkill(String configuration, @TempDir Path dir) throws Exception {
        String url = configuredUrl(configuration).replaceFirst("jdbc:h2:file:[^;]+", "jdbc:h2:file:"
                + dir.resolve("caravan").toString().replace('\\', '/'));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                H2CommitLoop.class.getName(), url)).redirectErrorStream(true).start();
        int lastPrinted = 0;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; lastPrinted < 300 && (line = out.readLine()) != null; ) {
                lastPrinted = Integer.parseInt(line.trim());
            }
            child.toHandle().destroyForcibly(); // SIGKILL: no shutdown hook, no close; the pipe stays readable
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            // rows the child committed after the last one we read count as well
            for (String line; (line = out.readLine()) != null; ) {
                if (line.trim().matches("\\d+")) {
                    lastPrinted = Integer.parseInt(line.trim());
                }
            }
        }
        assertThat(lastPrinted).as("the child committed rows").isGreaterThanOrEqualTo(300);

        try (Connection connection = DriverManager.getConnection(url, "sa", "");
             ResultSet count = connection.createStatement().executeQuery("select count(*), max(id) from committed")) {
            count.next();
            assertThat(count.getInt(2)).as("the last committed row is in the file").isGreaterThanOrEqualTo(lastPrinted);
            assertThat(count.getInt(1)).isEqualTo(count.getInt(2));
        }
    }

    private static String configuredUrl(String location) {
        Resource resource = location.startsWith("classpath:") ? new ClassPathResource(location.substring(10))
                : new FileSystemResource(location);
        YamlPropertiesFactoryBean yaml = new YamlPropertiesFactoryBean();
        yaml.setResources(resource);
        Properties properties = yaml.getObject();
        return properties.getProperty("spring.datasource.url");
    }
}
