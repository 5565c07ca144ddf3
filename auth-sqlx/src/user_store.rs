//! The `UserStore` implementation, written once for both drivers: they differ only in how a
//! timestamp is bound (`timestamptz` for PostgreSQL, Better Auth's text format for SQLite).

/// Implements `UserStore` for `$store`, binding timestamps with `$time(Timestamp)`; `$conn` is
/// the driver's connection type.
macro_rules! impl_user_store {
    ($store:ty, $time:path, $conn:ty) => {
        impl $store {
            /// The user, the credential and (for a sign-up) the first session in one
            /// transaction: all of them or none.
            async fn create_user_in(
                &self,
                user: &User,
                credential: &CredentialAccount,
                session: Option<&Session>,
            ) -> Result<(), StoreError> {
                let mut tx = self.pool.begin().await.map_err(classify)?;
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
        }

        #[async_trait]
        impl UserStore for $store {
            fn rate_limit_store(&self) -> Option<&dyn RateLimitStore> {
                Some(&*self.rate_limits)
            }

            async fn create_user(
                &self,
                user: &User,
                credential: &CredentialAccount,
            ) -> Result<(), StoreError> {
                self.availability
                    .run(async { self.create_user_in(user, credential, None).await })
                    .await
            }

            async fn create_user_with_session(
                &self,
                user: &User,
                credential: &CredentialAccount,
                session: &Session,
            ) -> Result<(), StoreError> {
                self.availability
                    .run(async { self.create_user_in(user, credential, Some(session)).await })
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
        }
    };
}

pub(crate) use impl_user_store;
