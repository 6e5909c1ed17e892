package dev.caravan.mediation;

import java.util.Set;
import org.springframework.context.ApplicationEvent;

/**
 * Route templates were added, replaced or removed by {@link UserRouteFiles}: whatever was built
 * from one of {@link #templateIds()} (an API's mediation) should be rebuilt.
 */
public class MediatorTemplatesChangedEvent extends ApplicationEvent {
    private final Set<String> templateIds;

    public MediatorTemplatesChangedEvent(Object source, Set<String> templateIds) {
        super(source);
        this.templateIds = Set.copyOf(templateIds);
    }

    public Set<String> templateIds() {
        return templateIds;
    }

    @Override
    public String toString() {
        return "MediatorTemplatesChangedEvent" + templateIds;
    }
}
