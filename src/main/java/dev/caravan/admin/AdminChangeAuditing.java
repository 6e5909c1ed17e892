package dev.caravan.admin;

import dev.caravan.audit.AuditDetail;
import dev.caravan.audit.AuditEvent;
import dev.caravan.audit.AuditEventType;
import dev.caravan.audit.AuditPublisher;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Map;
import java.util.Set;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.HandlerMapping;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * ADMIN_CHANGE events: every successful (2xx) POST, PUT, PATCH or DELETE under {@code /api/v1},
 * recorded when the request has completed with the method, the path template
 * ({@code /api/v1/organizations/{org}/users/{username}}, so no value from the URL but the
 * organization), the status and the admin principal. The body is never read.
 */
@Configuration(proxyBeanMethods = false)
public class AdminChangeAuditing implements WebMvcConfigurer {
    private static final Set<String> CHANGES = Set.of("POST", "PUT", "PATCH", "DELETE");
    private static final String BASE = "/api/v1/";

    private final AuditPublisher publisher;

    public AdminChangeAuditing(AuditPublisher publisher) {
        this.publisher = publisher;
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(new Interceptor(publisher)).addPathPatterns("/api/v1/**");
    }

    static final class Interceptor implements HandlerInterceptor {
        private final AuditPublisher publisher;

        Interceptor(AuditPublisher publisher) {
            this.publisher = publisher;
        }

        @Override
        public void afterCompletion(HttpServletRequest request, HttpServletResponse response, Object handler,
                                    Exception ex) {
            int status = response.getStatus();
            if (!CHANGES.contains(request.getMethod()) || status < 200 || status > 299 || ex != null) {
                return;
            }
            Object pattern = request.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE);
            if (!(pattern instanceof String template) || !template.startsWith(BASE)) {
                return;
            }
            Object principal = request.getAttribute(AdminPrincipal.ATTRIBUTE);
            Object variables = request.getAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE);
            Object org = variables instanceof Map<?, ?> map ? map.get("org") : null;
            try {
                publisher.security(AuditEvent.builder(AuditEventType.ADMIN_CHANGE)
                        .organization(org instanceof String name ? name : null)
                        .username(principal instanceof AdminPrincipal admin ? admin.name() : null)
                        .detail(AuditDetail.METHOD, request.getMethod())
                        .detail(AuditDetail.PATH, template)
                        .detail(AuditDetail.STATUS, status)
                        .build());
            } catch (RuntimeException e) {
                // the change is done; an event that cannot be built (oversized name) is not worth a 500
            }
        }
    }
}
