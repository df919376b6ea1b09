package dev.microposts.posts;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import dev.microposts.accounts.Accounts;
import dev.microposts.platform.web.ApiProblem;
import dev.microposts.platform.topology.ConditionalOnModule;
import dev.microposts.platform.topology.ModuleId;
import dev.microposts.platform.web.Paging;

/** Writing and reading microposts; every change publishes its event in the same transaction. */
@Service
@ConditionalOnModule(ModuleId.POSTS)
class PostService implements Posts {

	private final Microposts microposts;
	private final Accounts accounts;
	private final ApplicationEventPublisher events;
	private final Clock clock = Clock.systemUTC();

	PostService(Microposts microposts, Accounts accounts, ApplicationEventPublisher events) {
		this.microposts = microposts;
		this.accounts = accounts;
		this.events = events;
	}

	@Override
	@Transactional(readOnly = true) // its own transaction, also when the caller has none (the timeline's backfill)
	public List<Micropost> recentBy(String author, int limit) {
		return microposts.byAuthor(author, Long.MAX_VALUE, limit);
	}

	void requireUser(String username) {
		if (!accounts.exists(username)) {
			throw ApiProblem.notFound("There is no user '" + username + "'.");
		}
	}

	/** 400 unless {@code referenced} is null or an existing user. */
	void requireReferenceable(String referenced) {
		if (referenced != null && !accounts.exists(referenced)) {
			throw ApiProblem.invalid("referenced", "must be the username of an existing user");
		}
	}

	Micropost get(String author, long id) {
		return microposts.find(author, id).orElseThrow(() -> ApiProblem
				.notFound("There is no micropost " + id + " of user '" + author + "'."));
	}

	@Transactional
	Micropost create(String author, String text, String referenced) {
		Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
		Micropost created = microposts.insert(author, text, referenced, now);
		events.publishEvent(MicropostCreated.of(created));
		return created;
	}

	@Transactional
	Micropost update(Micropost existing, String text, String referenced) {
		Micropost changed = new Micropost(existing.id(), existing.author(), text, referenced, existing.createdAt());
		microposts.update(changed);
		events.publishEvent(MicropostUpdated.of(changed));
		return changed;
	}

	@Transactional
	void delete(Micropost existing) {
		if (microposts.delete(existing.author(), existing.id())) {
			events.publishEvent(MicropostDeleted.of(existing.id(), existing.author()));
		}
	}

	List<Micropost> collection(String author, Optional<String> search, Paging.Page page) {
		return search.filter(term -> !term.isEmpty())
				.map(term -> microposts.byAuthorMatching(author, term, page.beforeOrMax(), page.fetchSize()))
				.orElseGet(() -> microposts.byAuthor(author, page.beforeOrMax(), page.fetchSize()));
	}

	List<Micropost> mentions(String username, Paging.Page page) {
		return microposts.mentioning(username, page.beforeOrMax(), page.fetchSize());
	}
}
