package dev.microposts.posts;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

import dev.microposts.accounts.Accounts;
import dev.microposts.accounts.UnknownUser;
import dev.microposts.platform.core.FieldError;
import dev.microposts.platform.core.InvalidInput;
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

	private final TransactionTemplate transactions;

	PostService(Microposts microposts, Accounts accounts, ApplicationEventPublisher events,
			PlatformTransactionManager transactions) {
		this.microposts = microposts;
		this.accounts = accounts;
		this.events = events;
		this.transactions = new TransactionTemplate(transactions);
	}

	@Override
	@Transactional(readOnly = true) // its own transaction, also when the caller has none (the timeline's backfill)
	public List<Micropost> recentBy(String author, int limit) {
		return microposts.byAuthor(author, Long.MAX_VALUE, limit);
	}

	void requireUser(String username) {
		if (!accounts.exists(username)) {
			throw new UnknownUser(username);
		}
	}

	/** The micropost's rules ({@link MicropostRules}), and a reference must name an existing user. */
	private void check(String text, String referenced) {
		List<FieldError> errors = MicropostRules.errors(text, referenced);
		if (text == null) {
			errors.add(0, new FieldError("text", "is required"));
		}
		if (!errors.isEmpty()) {
			throw new InvalidInput(errors);
		}
		if (referenced != null && !accounts.exists(referenced)) {
			throw new InvalidInput("referenced", MicropostRules.REFERENCE_RULE);
		}
	}

	Micropost get(String author, long id) {
		return microposts.find(author, id)
				.orElseThrow(() -> new MicropostNotFound(author, Long.toString(id)));
	}

	/**
	 * Creates a micropost. Its rules are checked first, whoever calls, and before the transaction:
	 * asking whether a referenced user exists may cross to another process, and no connection is
	 * held meanwhile.
	 */
	Micropost create(String author, String text, String referenced) {
		check(text, referenced);
		return transactions.execute(status -> {
			Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
			Micropost created = microposts.insert(author, text, referenced, now);
			events.publishEvent(MicropostCreated.of(created));
			return created;
		});
	}

	/** Replaces a micropost's text and reference, checked as {@link #create} checks them. */
	Micropost update(Micropost existing, String text, String referenced) {
		check(text, referenced);
		return transactions.execute(status -> {
			Micropost changed = new Micropost(existing.id(), existing.author(), text, referenced,
					existing.createdAt());
			microposts.update(changed);
			events.publishEvent(MicropostUpdated.of(changed));
			return changed;
		});
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
