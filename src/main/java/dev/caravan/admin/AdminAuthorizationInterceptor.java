package dev.caravan.admin;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Map;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.HandlerMapping;

/**
 * Authorization of admin API operations, on the {@code org} path variable exactly as the
 * controller will receive it (decoded and matched by Spring MVC, not re-parsed from the raw
 * URI). Fails closed: an admin controller reached without an authenticated principal is a
 * 401, whatever path led there; a publisher may only call operations of their own
 * organization that are not {@link AdminOnly}.
 */
class AdminAuthorizationInterceptor implements HandlerInterceptor {
    static final String ORG_VARIABLE = "org";

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        if (!(handler instanceof HandlerMethod method)
                || !method.getBeanType().getPackageName().equals(AdminAuthorizationInterceptor.class.getPackageName())) {
            return true;
        }
        if (!(request.getAttribute(AdminPrincipal.ATTRIBUTE) instanceof AdminPrincipal principal)) {
            throw AdminError.unauthorized("authentication is required");
        }
        if (principal.isAdmin()) {
            return true;
        }
        if (method.hasMethodAnnotation(AdminOnly.class)) {
            throw AdminError.forbidden("only the admin may do this");
        }
        Object variables = request.getAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE);
        Object org = variables instanceof Map<?, ?> map ? map.get(ORG_VARIABLE) : null;
        if (!(org instanceof String name) || !principal.mayManage(name)) {
            throw AdminError.forbidden("a publisher may manage only their own organization");
        }
        return true;
    }
}
