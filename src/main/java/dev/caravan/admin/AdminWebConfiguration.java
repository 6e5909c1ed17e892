package dev.caravan.admin;

import dev.caravan.userstore.LoginThrottle;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.caravan.config.CaravanProperties;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Wires the admin API's security into the management port's servlet stack (no Spring
 * Security): Basic authentication as a servlet filter on {@code /api/v1/*}, authorization as
 * an MVC interceptor. The actuator is outside {@code /api/v1} and stays open.
 */
@Configuration(proxyBeanMethods = false)
class AdminWebConfiguration implements WebMvcConfigurer {

    /**
     * The admin API speaks JSON only: jackson-dataformat-xml is on the class path for the
     * json-to-xml mediators, and Spring MVC would otherwise also offer XML bodies. And it reads
     * bodies strictly: a field no body type has ({@code "role"} for {@code "roles"}) is a 400
     * naming it ({@link AdminExceptionHandler}), never silently dropped. The strict reader is a
     * copy of the application's mapper, used by the management port's converter only.
     */
    @Override
    public void extendMessageConverters(java.util.List<org.springframework.http.converter.HttpMessageConverter<?>> converters) {
        converters.removeIf(converter -> converter instanceof
                org.springframework.http.converter.xml.MappingJackson2XmlHttpMessageConverter);
        for (var converter : converters) {
            if (converter instanceof org.springframework.http.converter.json.MappingJackson2HttpMessageConverter json) {
                json.setObjectMapper(json.getObjectMapper().copy()
                        .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES));
            }
        }
    }

    static final String BASE = "/api/v1";

    @Bean
    LoginThrottle adminLoginThrottle(CaravanProperties properties) {
        CaravanProperties.Admin admin = properties.admin();
        return new LoginThrottle(admin.maxFailuresPerUser(), admin.maxFailuresPerAddress(), admin.failureWindow(),
                Ticker.systemTicker());
    }

    @Bean
    FilterRegistrationBean<AdminAuthenticationFilter> adminAuthenticationFilter(
            AdminAuthenticator authenticator, @Qualifier("adminLoginThrottle") LoginThrottle adminLoginThrottle,
            ObjectMapper json) {
        var registration = new FilterRegistrationBean<>(
                new AdminAuthenticationFilter(authenticator, adminLoginThrottle, json));
        registration.addUrlPatterns(BASE + "/*");
        registration.setName("caravanAdminAuthentication");
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 100);
        return registration;
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        // every path: the interceptor itself recognises admin controllers, so it fails closed
        registry.addInterceptor(new AdminAuthorizationInterceptor());
    }
}
