//! The `UserStore` implementation, written once for both drivers: they differ in how a
//! timestamp is bound (`timestamptz` for PostgreSQL, Better Auth's text format for SQLite), and
//! in what each store's own methods give: the few statements that differ (`insert_credential_sql`,
//! `insert_account_sql`, `lock_user_sql`, `lock_provider_account_sql`, `claim_mail_sql`) and how
//! a writing transaction begins (`begin_write`).

/// Implements `UserStore` for `$store`, binding timestamps with `$time(Timestamp)`; `$conn` is
/// the driver's connection type.
macro_rules! impl_user_store {
    ($store:ty, $time:path, $conn:ty) => {
        impl $store {
            /// The user, the credential and, for a sign-up, the first session and the
            /// verification mail, in one transaction: all of them or none.
            async fn create_user_in(
                &self,
                user: &User,
                credential: &CredentialAccount,
                session: Option<&Session>,
                mail: Option<&OutboundMail>,
            ) -> Result<(), StoreError> {
                if session.is_some_and(|s| s.user_id != user.id) {
                    return Err(StoreError::Other("the session is for another user".into()));
                }
                let mut tx = self.begin_write().await?;
                sqlx::query(sql::INSERT_USER)
                    .bind(user.id.as_str())
                    .bind(&user.name)
                    .bind(&user.email)
                    .bind(user.email_verified)
                    .bind(&user.image)
                    .bind($time(user.created_at))
                    .bind($time(user.updated_at))
                    .execute(&mut *tx)
                    .await
                    .map_err(classify_user_insert)?;
                sqlx::query(self.insert_credential_sql())
                    .bind(credential.id.as_str())
                    .bind(user.id.as_str())
                    .bind(&credential.password_hash)
                    .bind($time(credential.created_at))
                    .bind($time(credential.updated_at))
                    .execute(&mut *tx)
                    .await
                    .map_err(classify)?;
                if let Some(session) = session {
                    Self::insert_session(&mut *tx, session).await?;
                }
                if let Some(mail) = mail {
                    Self::insert_mail(&mut *tx, mail).await?;
                }
                // Dropping `tx` on any error above rolls every insert back.
                tx.commit().await.map_err(classify)
            }

            async fn insert_session(conn: &mut $conn, session: &Session) -> Result<(), StoreError> {
                sqlx::query(sql::INSERT_SESSION)
                    .bind(session.id.as_str())
                    .bind($time(session.expires_at))
                    .bind(session.token.expose())
                    .bind($time(session.created_at))
                    .bind($time(session.updated_at))
                    .bind(&session.ip_address)
                    .bind(&session.user_agent)
                    .bind(session.user_id.as_str())
                    .execute(conn)
                    .await
                    .map_err(classify)?;
                Ok(())
            }

            async fn insert_mail(conn: &mut $conn, mail: &OutboundMail) -> Result<(), StoreError> {
                let message = &mail.message;
                sqlx::query(sql::INSERT_MAIL)
                    .bind(&mail.id)
                    .bind(message.kind.as_str())
                    .bind(&message.to)
                    .bind(&message.subject)
                    .bind(&message.text)
                    .bind(&message.html)
                    .bind(&message.link)
                    .bind($time(mail.created_at))
                    .execute(conn)
                    .await
                    .map_err(classify)?;
                Ok(())
            }

            /// Inserts an account row of a provider (no password); the driver's error is kept
            /// for the caller to judge.
            async fn insert_account(
                &self,
                conn: &mut $conn,
                account: &Account,
            ) -> Result<(), sqlx::Error> {
                sqlx::query(self.insert_account_sql())
                    .bind(account.id.as_str())
                    .bind(&account.account_id)
                    .bind(&account.provider_id)
                    .bind(account.user_id.as_str())
                    .bind(&account.access_token)
                    .bind(&account.refresh_token)
                    .bind(&account.id_token)
                    .bind(account.access_token_expires_at.map($time))
                    .bind(account.refresh_token_expires_at.map($time))
                    .bind(&account.scope)
                    .bind($time(account.created_at))
                    .bind($time(account.updated_at))
                    .execute(conn)
                    .await?;
                Ok(())
            }

            async fn insert_verification_row(
                conn: &mut $conn,
                verification: &Verification,
            ) -> Result<(), StoreError> {
                sqlx::query(sql::INSERT_VERIFICATION)
                    .bind(&verification.id)
                    .bind(&verification.identifier)
                    .bind(&verification.value)
                    .bind($time(verification.expires_at))
                    .bind($time(verification.created_at))
                    .bind($time(verification.updated_at))
                    .execute(conn)
                    .await
                    .map_err(classify)?;
                Ok(())
            }

            /// The social sign-up: the user, their provider account and first session, all or
            /// none.
            async fn create_social_user_in(
                &self,
                user: &User,
                account: &Account,
                session: &Session,
            ) -> Result<(), StoreError> {
                if account.user_id != user.id {
                    return Err(StoreError::Other("the account is for another user".into()));
                }
                if session.user_id != user.id {
                    return Err(StoreError::Other("the session is for another user".into()));
                }
                let mut tx = self.begin_write().await?;
                sqlx::query(sql::INSERT_USER)
                    .bind(user.id.as_str())
                    .bind(&user.name)
                    .bind(&user.email)
                    .bind(user.email_verified)
                    .bind(&user.image)
                    .bind($time(user.created_at))
                    .bind($time(user.updated_at))
                    .execute(&mut *tx)
                    .await
                    .map_err(classify_user_insert)?;
                self.insert_account(&mut *tx, account)
                    .await
                    .map_err(classify)?;
                Self::insert_session(&mut *tx, session).await?;
                // Dropping `tx` on any error above rolls every insert back.
                tx.commit().await.map_err(classify)
            }

            /// Links `account` unless its provider account is linked already (`false`).
            async fn link_account_in(&self, account: &Account) -> Result<bool, StoreError> {
                let mut tx = self.begin_write().await?;
                if let Some(lock) = self.lock_provider_account_sql() {
                    sqlx::query(lock)
                        .bind(&account.provider_id)
                        .bind(&account.account_id)
                        .execute(&mut *tx)
                        .await
                        .map_err(classify)?;
                }
                let linked = sqlx::query(sql::ACCOUNT_LINKED)
                    .bind(&account.provider_id)
                    .bind(&account.account_id)
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(classify)?;
                if linked.is_some() {
                    tx.rollback().await.map_err(classify)?;
                    return Ok(false);
                }
                match self.insert_account(&mut *tx, account).await {
                    Ok(()) => {}
                    Err(error) if is_linked_identity(&error) => {
                        tx.rollback().await.map_err(classify)?;
                        return Ok(false);
                    }
                    Err(error) => return Err(classify(error)),
                }
                tx.commit().await.map_err(classify)?;
                Ok(true)
            }

            /// Unlinks the user's account `id` with the user's row locked, so that concurrent
            /// unlinks count the accounts one after the other.
            async fn unlink_account_in(
                &self,
                user_id: &UserId,
                id: &AccountId,
            ) -> Result<Unlinked, StoreError> {
                let mut tx = self.begin_write().await?;
                if !self.lock_user(&mut *tx, user_id).await? {
                    tx.rollback().await.map_err(classify)?;
                    return Ok(Unlinked::NotFound);
                }
                let ids = sqlx::query(sql::USER_ACCOUNT_IDS)
                    .bind(user_id.as_str())
                    .fetch_all(&mut *tx)
                    .await
                    .map_err(classify)?
                    .iter()
                    .map(|r| r.text("id"))
                    .collect::<Result<Vec<String>, StoreError>>()?;
                let outcome = if !ids.iter().any(|known| known == id.as_str()) {
                    Unlinked::NotFound
                } else if ids.len() <= 1 {
                    Unlinked::LastAccount
                } else {
                    Unlinked::Unlinked
                };
                if outcome != Unlinked::Unlinked {
                    tx.rollback().await.map_err(classify)?;
                    return Ok(outcome);
                }
                sqlx::query(sql::DELETE_ACCOUNT)
                    .bind(id.as_str())
                    .bind(user_id.as_str())
                    .execute(&mut *tx)
                    .await
                    .map_err(classify)?;
                tx.commit().await.map_err(classify)?;
                Ok(Unlinked::Unlinked)
            }

            /// `put_two_factor` in one transaction, the user's row locked first (PostgreSQL;
            /// SQLite's `BEGIN IMMEDIATE` serialises writers) so concurrent puts and enables
            /// of one user run one after the other.
            async fn put_two_factor_in(&self, row: &TwoFactor) -> Result<bool, StoreError> {
                let mut tx = self.begin_write().await?;
                if !self.lock_user(&mut *tx, &row.user_id).await? {
                    tx.rollback().await.map_err(classify)?;
                    return Err(StoreError::Other("no such user".into()));
                }
                let existing = sqlx::query(sql::SELECT_TWO_FACTOR_OF_USER)
                    .bind(row.user_id.as_str())
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(classify)?;
                if let Some(existing) = existing {
                    // NULL counts as verified, as in Better Auth.
                    if existing.opt_flag("verified")? != Some(false) {
                        tx.rollback().await.map_err(classify)?;
                        return Ok(false);
                    }
                    sqlx::query(sql::REPLACE_TWO_FACTOR)
                        .bind(existing.text("id")?)
                        .bind(&row.secret)
                        .bind(&row.backup_codes)
                        .execute(&mut *tx)
                        .await
                        .map_err(classify)?;
                } else {
                    sqlx::query(sql::INSERT_TWO_FACTOR)
                        .bind(&row.id)
                        .bind(&row.secret)
                        .bind(&row.backup_codes)
                        .bind(row.user_id.as_str())
                        .bind(row.verified)
                        .bind(row.failed_verification_count)
                        .bind(row.locked_until.map($time))
                        .bind(row.last_used_counter)
                        .execute(&mut *tx)
                        .await
                        .map_err(classify)?;
                }
                tx.commit().await.map_err(classify)?;
                Ok(true)
            }

            /// `enable_two_factor` in one transaction, the user's row locked first.
            async fn enable_two_factor_in(
                &self,
                user_id: &UserId,
                row_id: &str,
                counter: i64,
                now: Timestamp,
            ) -> Result<bool, StoreError> {
                let mut tx = self.begin_write().await?;
                if !self.lock_user(&mut *tx, user_id).await? {
                    tx.rollback().await.map_err(classify)?;
                    return Ok(false);
                }
                let verified = sqlx::query(sql::VERIFY_TWO_FACTOR)
                    .bind(row_id)
                    .bind(user_id.as_str())
                    .bind(counter)
                    .execute(&mut *tx)
                    .await
                    .map_err(classify)?;
                if verified.rows_affected() == 0 {
                    tx.rollback().await.map_err(classify)?;
                    return Ok(false);
                }
                sqlx::query(sql::SET_TWO_FACTOR_ENABLED)
                    .bind(user_id.as_str())
                    .bind(true)
                    .bind($time(now))
                    .execute(&mut *tx)
                    .await
                    .map_err(classify)?;
                tx.commit().await.map_err(classify)?;
                Ok(true)
            }

            /// `disable_two_factor` in one transaction, the user's row locked first.
            async fn disable_two_factor_in(
                &self,
                user_id: &UserId,
                now: Timestamp,
            ) -> Result<bool, StoreError> {
                let mut tx = self.begin_write().await?;
                if !self.lock_user(&mut *tx, user_id).await? {
                    tx.rollback().await.map_err(classify)?;
                    return Ok(false);
                }
                sqlx::query(sql::SET_TWO_FACTOR_ENABLED)
                    .bind(user_id.as_str())
                    .bind(false)
                    .bind($time(now))
                    .execute(&mut *tx)
                    .await
                    .map_err(classify)?;
                sqlx::query(sql::DELETE_USER_TWO_FACTORS)
                    .bind(user_id.as_str())
                    .execute(&mut *tx)
                    .await
                    .map_err(classify)?;
                sqlx::query(sql::DELETE_USER_TRUSTED_DEVICES)
                    .bind(user_id.as_str())
                    .bind(format!("{}%", auth_core::two_factor::TRUSTED_DEVICE_PREFIX))
                    .execute(&mut *tx)
                    .await
                    .map_err(classify)?;
                tx.commit().await.map_err(classify)?;
                Ok(true)
            }

            /// Finds the user's row and, in PostgreSQL, locks it until the transaction ends (see
            /// `lock_user_sql`); `false` when there is no such user.
            async fn lock_user(&self, conn: &mut $conn, id: &UserId) -> Result<bool, StoreError> {
                let found = sqlx::query(self.lock_user_sql())
                    .bind(id.as_str())
                    .fetch_optional(conn)
                    .await
                    .map_err(classify)?;
                Ok(found.is_some())
            }

            /// Deletes the live verification row `identifier` if it is `owner`'s; `false` (and
            /// nothing deleted) when there is none.
            async fn take_verification(
                conn: &mut $conn,
                identifier: &str,
                owner: &UserId,
                now: Timestamp,
            ) -> Result<bool, StoreError> {
                let taken = sqlx::query(sql::TAKE_VERIFICATION)
                    .bind(identifier)
                    .bind(owner.as_str())
                    .bind($time(now))
                    .fetch_all(conn)
                    .await
                    .map_err(classify)?;
                Ok(!taken.is_empty())
            }

            /// Deletes all the user's sessions; returns their ids.
            async fn end_sessions(
                conn: &mut $conn,
                user_id: &UserId,
            ) -> Result<Vec<SessionId>, StoreError> {
                let deleted = sqlx::query(sql::DELETE_USER_SESSIONS)
                    .bind(user_id.as_str())
                    .bind("")
                    .fetch_all(conn)
                    .await
                    .map_err(classify)?;
                deleted
                    .iter()
                    .map(|r| r.text("id").map(SessionId::new))
                    .collect()
            }
        }

        #[async_trait]
        impl UserStore for $store {
            fn rate_limit_store(&self) -> Option<&dyn RateLimitStore> {
                Some(&*self.rate_limits)
            }

            fn invalidation_channel(
                &self,
            ) -> Option<&dyn auth_core::invalidation::InvalidationChannel> {
                self.channel()
            }

            async fn create_user(
                &self,
                user: &User,
                credential: &CredentialAccount,
            ) -> Result<(), StoreError> {
                self.availability
                    .run(async { self.create_user_in(user, credential, None, None).await })
                    .await
            }

            async fn create_user_with(
                &self,
                user: &User,
                credential: &CredentialAccount,
                session: Option<&Session>,
                mail: Option<&OutboundMail>,
            ) -> Result<(), StoreError> {
                self.availability
                    .run(async { self.create_user_in(user, credential, session, mail).await })
                    .await
            }

            async fn find_user_by_id(&self, id: &UserId) -> Result<Option<User>, StoreError> {
                self.availability
                    .run(async {
                        let row = sqlx::query(sql::SELECT_USER_BY_ID)
                            .bind(id.as_str())
                            .fetch_optional(&self.pool)
                            .await
                            .map_err(classify)?;
                        row.as_ref().map(rows::plain_user).transpose()
                    })
                    .await
            }

            async fn find_user_by_email(&self, email: &Email) -> Result<Option<User>, StoreError> {
                self.availability
                    .run(async {
                        let row = sqlx::query(sql::SELECT_USER_BY_EMAIL)
                            .bind(email.as_str())
                            .fetch_optional(&self.pool)
                            .await
                            .map_err(classify)?;
                        row.as_ref().map(rows::plain_user).transpose()
                    })
                    .await
            }

            async fn find_user_with_credential(
                &self,
                email: &Email,
            ) -> Result<Option<UserWithCredential>, StoreError> {
                self.availability
                    .run(async {
                        let Some(row) = sqlx::query(sql::SELECT_USER_WITH_CREDENTIAL)
                            .bind(email.as_str())
                            .fetch_optional(&self.pool)
                            .await
                            .map_err(classify)?
                        else {
                            return Ok(None);
                        };
                        let user = rows::plain_user(&row)?;
                        let credential = rows::credential(&row, &user.id)?;
                        Ok(Some(UserWithCredential::new(user, credential)))
                    })
                    .await
            }

            async fn update_user(
                &self,
                id: &UserId,
                update: &UserUpdate,
                now: Timestamp,
            ) -> Result<Option<User>, StoreError> {
                self.availability
                    .run(async {
                        let row = sqlx::query(sql::UPDATE_USER)
                            .bind(id.as_str())
                            .bind(&update.name)
                            .bind(update.image.is_some())
                            .bind(update.image.clone().flatten())
                            .bind($time(now))
                            .fetch_optional(&self.pool)
                            .await
                            .map_err(classify)?;
                        row.as_ref().map(rows::plain_user).transpose()
                    })
                    .await
            }

            async fn find_credential(
                &self,
                user_id: &UserId,
            ) -> Result<Option<CredentialAccount>, StoreError> {
                self.availability
                    .run(async {
                        let row = sqlx::query(sql::SELECT_CREDENTIAL)
                            .bind(user_id.as_str())
                            .fetch_optional(&self.pool)
                            .await
                            .map_err(classify)?;
                        Ok(match row {
                            Some(row) => rows::credential(&row, user_id)?,
                            None => None,
                        })
                    })
                    .await
            }

            async fn set_password_hash(
                &self,
                user_id: &UserId,
                hash: &str,
                now: Timestamp,
            ) -> Result<bool, StoreError> {
                self.availability
                    .run(async {
                        let done = sqlx::query(sql::UPDATE_PASSWORD)
                            .bind(user_id.as_str())
                            .bind(hash)
                            .bind($time(now))
                            .execute(&self.pool)
                            .await
                            .map_err(classify)?;
                        Ok(done.rows_affected() > 0)
                    })
                    .await
            }

            async fn create_session(&self, session: &Session) -> Result<(), StoreError> {
                self.availability
                    .run(async {
                        let mut conn = self.pool.acquire().await.map_err(classify)?;
                        Self::insert_session(&mut conn, session).await
                    })
                    .await
            }

            async fn find_session(
                &self,
                token: &SessionToken,
            ) -> Result<Option<AuthSession>, StoreError> {
                self.availability
                    .run(async {
                        let Some(row) = sqlx::query(sql::SELECT_SESSION_WITH_USER)
                            .bind(token.expose())
                            .fetch_optional(&self.pool)
                            .await
                            .map_err(classify)?
                        else {
                            return Ok(None);
                        };
                        let session = rows::session(&row)?;
                        let user = rows::user(&row, "userId", "userCreatedAt", "userUpdatedAt")?;
                        Ok(Some(AuthSession::new(session, user)))
                    })
                    .await
            }

            async fn find_session_by_id(
                &self,
                id: &SessionId,
            ) -> Result<Option<Session>, StoreError> {
                self.availability
                    .run(async {
                        let row = sqlx::query(sql::SELECT_SESSION_BY_ID)
                            .bind(id.as_str())
                            .fetch_optional(&self.pool)
                            .await
                            .map_err(classify)?;
                        row.as_ref().map(rows::session).transpose()
                    })
                    .await
            }

            async fn extend_session(
                &self,
                id: &SessionId,
                expires_at: Timestamp,
                updated_at: Timestamp,
            ) -> Result<(), StoreError> {
                self.availability
                    .run(async {
                        sqlx::query(sql::EXTEND_SESSION)
                            .bind(id.as_str())
                            .bind($time(expires_at))
                            .bind($time(updated_at))
                            .execute(&self.pool)
                            .await
                            .map_err(classify)?;
                        Ok(())
                    })
                    .await
            }

            async fn delete_session(
                &self,
                token: &SessionToken,
            ) -> Result<Option<SessionId>, StoreError> {
                self.availability
                    .run(async {
                        let row = sqlx::query(sql::DELETE_SESSION)
                            .bind(token.expose())
                            .fetch_optional(&self.pool)
                            .await
                            .map_err(classify)?;
                        row.map(|r| r.text("id").map(SessionId::new)).transpose()
                    })
                    .await
            }

            async fn delete_user_sessions(
                &self,
                user_id: &UserId,
                keep: Option<&SessionId>,
            ) -> Result<Vec<SessionId>, StoreError> {
                self.availability
                    .run(async {
                        let deleted = sqlx::query(sql::DELETE_USER_SESSIONS)
                            .bind(user_id.as_str())
                            .bind(keep.map_or("", SessionId::as_str))
                            .fetch_all(&self.pool)
                            .await
                            .map_err(classify)?;
                        deleted
                            .iter()
                            .map(|r| r.text("id").map(SessionId::new))
                            .collect()
                    })
                    .await
            }

            async fn list_sessions(
                &self,
                user_id: &UserId,
                now: Timestamp,
            ) -> Result<Vec<Session>, StoreError> {
                self.availability
                    .run(async {
                        let found = sqlx::query(sql::LIST_SESSIONS)
                            .bind(user_id.as_str())
                            .bind($time(now))
                            .fetch_all(&self.pool)
                            .await
                            .map_err(classify)?;
                        found.iter().map(rows::session).collect()
                    })
                    .await
            }

            async fn delete_expired_sessions(&self, now: Timestamp) -> Result<u64, StoreError> {
                self.availability
                    .run(async {
                        let done = sqlx::query(sql::DELETE_EXPIRED_SESSIONS)
                            .bind($time(now))
                            .execute(&self.pool)
                            .await
                            .map_err(classify)?;
                        Ok(done.rows_affected())
                    })
                    .await
            }

            async fn mark_email_verified(
                &self,
                id: &UserId,
                now: Timestamp,
            ) -> Result<Option<User>, StoreError> {
                self.availability
                    .run(async {
                        let row = sqlx::query(sql::MARK_EMAIL_VERIFIED)
                            .bind(id.as_str())
                            .bind(true)
                            .bind($time(now))
                            .fetch_optional(&self.pool)
                            .await
                            .map_err(classify)?;
                        row.as_ref().map(rows::plain_user).transpose()
                    })
                    .await
            }

            async fn change_email(
                &self,
                id: &UserId,
                email: &Email,
                verified: bool,
                now: Timestamp,
                mail: Option<&OutboundMail>,
            ) -> Result<Option<User>, StoreError> {
                self.availability
                    .run(async {
                        let mut tx = self.begin_write().await?;
                        let row = sqlx::query(sql::CHANGE_EMAIL)
                            .bind(id.as_str())
                            .bind(email.as_str())
                            .bind(verified)
                            .bind($time(now))
                            .fetch_optional(&mut *tx)
                            .await
                            .map_err(classify_user_insert)?;
                        let Some(row) = row else {
                            tx.rollback().await.map_err(classify)?;
                            return Ok(None);
                        };
                        let user = rows::plain_user(&row)?;
                        if let Some(mail) = mail {
                            Self::insert_mail(&mut *tx, mail).await?;
                        }
                        tx.commit().await.map_err(classify)?;
                        Ok(Some(user))
                    })
                    .await
            }

            async fn create_verification(
                &self,
                verification: &Verification,
                mail: &OutboundMail,
            ) -> Result<(), StoreError> {
                self.availability
                    .run(async {
                        let mut tx = self.begin_write().await?;
                        Self::insert_verification_row(&mut *tx, verification).await?;
                        Self::insert_mail(&mut *tx, mail).await?;
                        tx.commit().await.map_err(classify)
                    })
                    .await
            }

            async fn find_verification(
                &self,
                identifier: &str,
                now: Timestamp,
            ) -> Result<Option<Verification>, StoreError> {
                self.availability
                    .run(async {
                        let row = sqlx::query(sql::SELECT_VERIFICATION)
                            .bind(identifier)
                            .bind($time(now))
                            .fetch_optional(&self.pool)
                            .await
                            .map_err(classify)?;
                        row.as_ref().map(rows::verification).transpose()
                    })
                    .await
            }

            async fn reset_password(
                &self,
                identifier: &str,
                credential: &CredentialAccount,
                end_sessions: bool,
                now: Timestamp,
            ) -> Result<Option<Vec<SessionId>>, StoreError> {
                self.availability
                    .run(async {
                        let user_id = &credential.user_id;
                        let mut tx = self.begin_write().await?;
                        let taken = self.lock_user(&mut *tx, user_id).await?
                            && Self::take_verification(&mut *tx, identifier, user_id, now).await?;
                        if !taken {
                            tx.rollback().await.map_err(classify)?;
                            return Ok(None);
                        }
                        let updated = sqlx::query(sql::UPDATE_PASSWORD)
                            .bind(user_id.as_str())
                            .bind(&credential.password_hash)
                            .bind($time(now))
                            .execute(&mut *tx)
                            .await
                            .map_err(classify)?;
                        if updated.rows_affected() == 0 {
                            sqlx::query(self.insert_credential_sql())
                                .bind(credential.id.as_str())
                                .bind(user_id.as_str())
                                .bind(&credential.password_hash)
                                .bind($time(credential.created_at))
                                .bind($time(credential.updated_at))
                                .execute(&mut *tx)
                                .await
                                .map_err(classify)?;
                        }
                        sqlx::query(sql::DELETE_USER_RESET_VERIFICATIONS)
                            .bind(user_id.as_str())
                            .execute(&mut *tx)
                            .await
                            .map_err(classify)?;
                        let ended = if end_sessions {
                            Self::end_sessions(&mut *tx, user_id).await?
                        } else {
                            Vec::new()
                        };
                        tx.commit().await.map_err(classify)?;
                        Ok(Some(ended))
                    })
                    .await
            }

            async fn delete_user(
                &self,
                id: &UserId,
                token: Option<&str>,
                now: Timestamp,
            ) -> Result<Option<Vec<SessionId>>, StoreError> {
                self.availability
                    .run(async {
                        let mut tx = self.begin_write().await?;
                        let allowed = self.lock_user(&mut *tx, id).await?
                            && match token {
                                Some(identifier) => {
                                    Self::take_verification(&mut *tx, identifier, id, now).await?
                                }
                                None => true,
                            };
                        if !allowed {
                            tx.rollback().await.map_err(classify)?;
                            return Ok(None);
                        }
                        // Sessions first, for their ids (the user's deletion would cascade
                        // to them, and to the accounts, silently).
                        let ended = Self::end_sessions(&mut *tx, id).await?;
                        for statement in [
                            sql::DELETE_USER_ACCOUNTS,
                            sql::DELETE_USER_TWO_FACTORS,
                            sql::DELETE_USER_VERIFICATIONS,
                            sql::DELETE_USER,
                        ] {
                            sqlx::query(statement)
                                .bind(id.as_str())
                                .execute(&mut *tx)
                                .await
                                .map_err(classify)?;
                        }
                        tx.commit().await.map_err(classify)?;
                        Ok(Some(ended))
                    })
                    .await
            }

            async fn delete_expired_verifications(
                &self,
                now: Timestamp,
            ) -> Result<u64, StoreError> {
                self.availability
                    .run(async {
                        let done = sqlx::query(sql::DELETE_EXPIRED_VERIFICATIONS)
                            .bind($time(now))
                            .execute(&self.pool)
                            .await
                            .map_err(classify)?;
                        Ok(done.rows_affected())
                    })
                    .await
            }

            async fn find_account(
                &self,
                provider_id: &str,
                account_id: &str,
            ) -> Result<Option<Account>, StoreError> {
                self.availability
                    .run(async {
                        let row = sqlx::query(sql::SELECT_ACCOUNT_BY_PROVIDER)
                            .bind(provider_id)
                            .bind(account_id)
                            .fetch_optional(&self.pool)
                            .await
                            .map_err(classify)?;
                        row.as_ref().map(rows::account).transpose()
                    })
                    .await
            }

            async fn list_accounts(&self, user_id: &UserId) -> Result<Vec<Account>, StoreError> {
                self.availability
                    .run(async {
                        let found = sqlx::query(sql::LIST_ACCOUNTS)
                            .bind(user_id.as_str())
                            .fetch_all(&self.pool)
                            .await
                            .map_err(classify)?;
                        found.iter().map(rows::account).collect()
                    })
                    .await
            }

            async fn create_social_user(
                &self,
                user: &User,
                account: &Account,
                session: &Session,
            ) -> Result<(), StoreError> {
                self.availability
                    .run(async { self.create_social_user_in(user, account, session).await })
                    .await
            }

            async fn link_account(&self, account: &Account) -> Result<bool, StoreError> {
                self.availability
                    .run(async { self.link_account_in(account).await })
                    .await
            }

            async fn update_account(&self, account: &Account) -> Result<bool, StoreError> {
                self.availability
                    .run(async {
                        let done = sqlx::query(sql::UPDATE_ACCOUNT)
                            .bind(account.id.as_str())
                            .bind(&account.access_token)
                            .bind(&account.refresh_token)
                            .bind(&account.id_token)
                            .bind(account.access_token_expires_at.map($time))
                            .bind(account.refresh_token_expires_at.map($time))
                            .bind(&account.scope)
                            .bind($time(account.updated_at))
                            .execute(&self.pool)
                            .await
                            .map_err(classify)?;
                        Ok(done.rows_affected() > 0)
                    })
                    .await
            }

            async fn unlink_account(
                &self,
                user_id: &UserId,
                id: &AccountId,
            ) -> Result<Unlinked, StoreError> {
                self.availability
                    .run(async { self.unlink_account_in(user_id, id).await })
                    .await
            }

            async fn insert_verification(
                &self,
                verification: &Verification,
            ) -> Result<(), StoreError> {
                self.availability
                    .run(async {
                        let mut conn = self.pool.acquire().await.map_err(classify)?;
                        Self::insert_verification_row(&mut conn, verification).await
                    })
                    .await
            }

            async fn consume_verification(&self, id: &str) -> Result<bool, StoreError> {
                self.availability
                    .run(async {
                        let done = sqlx::query(sql::DELETE_VERIFICATION)
                            .bind(id)
                            .execute(&self.pool)
                            .await
                            .map_err(classify)?;
                        Ok(done.rows_affected() > 0)
                    })
                    .await
            }

            async fn find_two_factor(
                &self,
                user_id: &UserId,
            ) -> Result<TwoFactorState, StoreError> {
                self.availability
                    .run(async {
                        let Some(row) = sqlx::query(sql::SELECT_TWO_FACTOR_STATE)
                            .bind(user_id.as_str())
                            .fetch_optional(&self.pool)
                            .await
                            .map_err(classify)?
                        else {
                            return Ok(TwoFactorState::default());
                        };
                        Ok(TwoFactorState::new(
                            row.opt_flag("twoFactorEnabled")?.unwrap_or(false),
                            rows::two_factor(&row)?,
                        ))
                    })
                    .await
            }

            async fn put_two_factor(&self, row: &TwoFactor) -> Result<bool, StoreError> {
                self.availability
                    .run(async { self.put_two_factor_in(row).await })
                    .await
            }

            async fn enable_two_factor(
                &self,
                user_id: &UserId,
                row_id: &str,
                counter: i64,
                now: Timestamp,
            ) -> Result<bool, StoreError> {
                self.availability
                    .run(async {
                        self.enable_two_factor_in(user_id, row_id, counter, now)
                            .await
                    })
                    .await
            }

            async fn disable_two_factor(
                &self,
                user_id: &UserId,
                now: Timestamp,
            ) -> Result<bool, StoreError> {
                self.availability
                    .run(async { self.disable_two_factor_in(user_id, now).await })
                    .await
            }

            async fn set_two_factor_enabled(
                &self,
                user_id: &UserId,
                on: bool,
                now: Timestamp,
            ) -> Result<bool, StoreError> {
                self.availability
                    .run(async {
                        let done = sqlx::query(sql::SET_TWO_FACTOR_ENABLED)
                            .bind(user_id.as_str())
                            .bind(on)
                            .bind($time(now))
                            .execute(&self.pool)
                            .await
                            .map_err(classify)?;
                        Ok(done.rows_affected() > 0)
                    })
                    .await
            }

            async fn swap_backup_codes(
                &self,
                row_id: &str,
                expected: &str,
                replacement: &str,
            ) -> Result<bool, StoreError> {
                self.availability
                    .run(async {
                        let done = sqlx::query(sql::SWAP_BACKUP_CODES)
                            .bind(row_id)
                            .bind(expected)
                            .bind(replacement)
                            .execute(&self.pool)
                            .await
                            .map_err(classify)?;
                        Ok(done.rows_affected() > 0)
                    })
                    .await
            }

            async fn use_totp_counter(
                &self,
                row_id: &str,
                counter: i64,
            ) -> Result<bool, StoreError> {
                self.availability
                    .run(async {
                        let done = sqlx::query(sql::USE_TOTP_COUNTER)
                            .bind(row_id)
                            .bind(counter)
                            .execute(&self.pool)
                            .await
                            .map_err(classify)?;
                        Ok(done.rows_affected() > 0)
                    })
                    .await
            }

            async fn record_two_factor_failure(
                &self,
                row_id: &str,
                now: Timestamp,
                threshold: u32,
                lock_for: Duration,
            ) -> Result<Option<TwoFactor>, StoreError> {
                self.availability
                    .run(async {
                        let Some(row) = sqlx::query(sql::RECORD_TWO_FACTOR_FAILURE)
                            .bind(row_id)
                            .bind($time(now))
                            .bind(i64::from(threshold))
                            .bind($time(now.saturating_add(lock_for)))
                            .fetch_optional(&self.pool)
                            .await
                            .map_err(classify)?
                        else {
                            return Ok(None);
                        };
                        rows::two_factor(&row)
                    })
                    .await
            }

            async fn clear_two_factor_failures(&self, row_id: &str) -> Result<(), StoreError> {
                self.availability
                    .run(async {
                        sqlx::query(sql::CLEAR_TWO_FACTOR_FAILURES)
                            .bind(row_id)
                            .execute(&self.pool)
                            .await
                            .map_err(classify)?;
                        Ok(())
                    })
                    .await
            }

            async fn enqueue_mail(&self, mail: &OutboundMail) -> Result<(), StoreError> {
                self.availability
                    .run(async {
                        let mut conn = self.pool.acquire().await.map_err(classify)?;
                        Self::insert_mail(&mut conn, mail).await
                    })
                    .await
            }

            async fn claim_mail(
                &self,
                now: Timestamp,
                lease: Duration,
                limit: usize,
            ) -> Result<Vec<QueuedMail>, StoreError> {
                if limit == 0 {
                    return Ok(Vec::new());
                }
                self.availability
                    .run(async {
                        let claimed = sqlx::query(self.claim_mail_sql())
                            .bind($time(now.saturating_add(lease)))
                            .bind($time(now))
                            .bind(i64::try_from(limit).unwrap_or(i64::MAX))
                            .fetch_all(&self.pool)
                            .await
                            .map_err(classify)?;
                        let mut mails = claimed
                            .iter()
                            .map(rows::queued_mail)
                            .collect::<Result<Vec<_>, _>>()?;
                        // RETURNING follows no ORDER BY: oldest first, as they were chosen.
                        mails.sort_by(|a, b| {
                            a.created_at
                                .cmp(&b.created_at)
                                .then_with(|| a.claim.mail_id.cmp(&b.claim.mail_id))
                        });
                        Ok(mails)
                    })
                    .await
            }

            async fn finish_mail(
                &self,
                claim: &MailClaim,
                delivery: &Delivery,
            ) -> Result<bool, StoreError> {
                self.availability
                    .run(async {
                        let query = match delivery {
                            Delivery::Retry { at, error } => sqlx::query(sql::RETRY_MAIL)
                                .bind(&claim.mail_id)
                                .bind(&claim.token)
                                .bind($time(*at))
                                .bind(error),
                            Delivery::Failed { at, error } => sqlx::query(sql::FAIL_MAIL)
                                .bind(&claim.mail_id)
                                .bind(&claim.token)
                                .bind($time(*at))
                                .bind(error),
                            // `Sent`, and any outcome added later, ends the row (as in
                            // `MemoryStore`).
                            _ => sqlx::query(sql::DELETE_SENT_MAIL)
                                .bind(&claim.mail_id)
                                .bind(&claim.token),
                        };
                        let done = query.execute(&self.pool).await.map_err(classify)?;
                        Ok(done.rows_affected() > 0)
                    })
                    .await
            }

            async fn outbox_len(&self) -> Result<(u64, u64), StoreError> {
                self.availability
                    .run(async {
                        let row = sqlx::query(sql::COUNT_MAIL)
                            .fetch_one(&self.pool)
                            .await
                            .map_err(classify)?;
                        let count = |column: &str| {
                            row.try_get::<i64, _>(column)
                                .map(|n| u64::try_from(n).unwrap_or_default())
                                .map_err(|e| rows::decode_error(column, e))
                        };
                        Ok((count("total")?, count("failed")?))
                    })
                    .await
            }
        }
    };
}

pub(crate) use impl_user_store;
