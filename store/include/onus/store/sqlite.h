// A thin, Status-returning wrapper over SQLite: a connection, prepared statements and RAII
// transactions. Every other store file builds on these three types.
// Thread-safety: a Database and its Statements belong to one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "onus/core/result.h"

struct sqlite3;
struct sqlite3_stmt;

namespace onus::store {

class Statement {
 public:
  Statement(Statement&&) noexcept;
  Statement& operator=(Statement&&) noexcept;
  ~Statement();

  // 1-based parameter indexes, as in SQLite.
  Statement& Bind(int i, int64_t v);
  Statement& Bind(int i, double v);
  Statement& Bind(int i, std::string_view v);
  // Binds without copying: the bytes must stay valid until the statement is next Reset() (the
  // CaseStore's cached statements are reset before each use) or finalised.
  Statement& BindView(int i, std::string_view v);
  Statement& BindNull(int i);
  Statement& BindOptional(int i, const std::optional<std::string>& v);

  // Step(): true when a row is available; false when done; on error, status() is not OK.
  bool Step();
  // Executes to completion (for statements without result rows).
  Status Run();
  Status Reset();  // ready to bind and run again
  const Status& status() const { return status_; }

  int64_t ColumnInt(int i) const;
  double ColumnDouble(int i) const;
  std::string ColumnText(int i) const;
  bool ColumnIsNull(int i) const;

 private:
  friend class Database;
  Statement(sqlite3* db, sqlite3_stmt* s) : db_(db), stmt_(s) {}
  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
  Status status_;
};

class Database {
 public:
  // Opens (creating when absent) with WAL journaling, foreign keys on, synchronous=NORMAL and a
  // busy timeout, so a killed writer loses at most its open transaction.
  static Result<std::unique_ptr<Database>> Open(const std::string& path);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  Status Exec(std::string_view sql);
  Result<Statement> Prepare(std::string_view sql);
  int64_t LastInsertId() const;
  int64_t Changes() const;
  const std::string& path() const { return path_; }

 private:
  Database() = default;
  sqlite3* db_ = nullptr;
  std::string path_;
};

// BEGIN IMMEDIATE on construction; ROLLBACK on destruction unless Commit() succeeded.
class Transaction {
 public:
  static Result<Transaction> Begin(Database& db);
  Transaction(Transaction&& o) noexcept : db_(o.db_) { o.db_ = nullptr; }
  ~Transaction();
  Status Commit();

 private:
  explicit Transaction(Database* db) : db_(db) {}
  Database* db_;
};

}  // namespace onus::store
