package io.calbridge.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.calbridge.CalbridgeApplication;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DataObjectPropertyName;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.core.type.filter.AnnotationTypeFilter;
import org.springframework.util.ClassUtils;

/** README promises every variable in .env.example: each setting of every @ConfigurationProperties record is there. */
class EnvExampleTest {

    @Test
    void everyBindableSettingAppearsInEnvExampleAsAVariable() throws IOException {
        String example = Files.readString(Path.of(".env.example"));
        List<String> variables = bindableVariables();

        assertThat(variables).as("the settings found").contains("CALBRIDGE_SYNC_INTERVAL", "CALBRIDGE_MAX_REQUEST_BYTES",
                "CALBRIDGE_SYNC_LEASE", "CALBRIDGE_AVAILABILITY_FRESH_TIMEOUT", "GOOGLE_CLIENT_ID");
        assertThat(variables).as("variables missing from .env.example (as NAME= or #NAME= lines)")
                .filteredOn(variable -> !Pattern.compile("(?m)^#?" + variable + "=").matcher(example).find())
                .isEmpty();
    }

    /** CALBRIDGE_SYNC_INTERVAL for calbridge.sync-interval: the form README and .env.example use. */
    private static List<String> bindableVariables() {
        ClassPathScanningCandidateComponentProvider scanner = new ClassPathScanningCandidateComponentProvider(false);
        scanner.addIncludeFilter(new AnnotationTypeFilter(ConfigurationProperties.class));
        List<String> variables = new ArrayList<>();
        for (BeanDefinition candidate : scanner.findCandidateComponents(CalbridgeApplication.class.getPackageName())) {
            Class<?> type = ClassUtils.resolveClassName(candidate.getBeanClassName(), EnvExampleTest.class.getClassLoader());
            String prefix = MergedAnnotations.from(type).get(ConfigurationProperties.class).getString("prefix");
            collect(prefix, type, variables);
        }
        return variables;
    }

    private static void collect(String prefix, Class<?> type, List<String> variables) {
        assertThat(type.isRecord()).as(type + " is a record (constructor binding)").isTrue();
        for (RecordComponent component : type.getRecordComponents()) {
            String property = prefix + "." + DataObjectPropertyName.toDashedForm(component.getName());
            Class<?> componentType = component.getType();
            if (componentType.isRecord() && componentType.getPackageName().startsWith(CalbridgeApplication.class.getPackageName())) {
                collect(property, componentType, variables); // a nested group of settings
            } else {
                variables.add(property.replace('.', '_').replace('-', '_').toUpperCase(Locale.ROOT));
            }
        }
    }
}
