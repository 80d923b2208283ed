// Routes. The login screen is in the first bundle; every other screen is loaded when first
// opened, so the first screen stays small.
import { lazy, Suspense, type ReactNode } from "react";
import { BrowserRouter, Navigate, Route, Routes, useLocation } from "react-router-dom";
import { AuthProvider, useAuth } from "./auth";
import { CompanyProvider } from "./company";
import { LangProvider } from "./i18n";
import { Layout } from "./Layout";
import { Login } from "./pages/Login";
import { Spinner } from "./ui";
import type { Permissions } from "./gen/identity";

const Profile = lazy(() => import("./pages/Profile"));
const Users = lazy(() => import("./pages/Users"));
const Groups = lazy(() => import("./pages/Groups"));
const Companies = lazy(() => import("./pages/Companies"));
const CompanyForm = lazy(() => import("./pages/CompanyForm"));
const Counterparts = lazy(() => import("./pages/Counterparts"));
const Accounts = lazy(() => import("./pages/Accounts"));
const JournalList = lazy(() => import("./pages/JournalList"));
const JournalForm = lazy(() => import("./pages/JournalForm"));
const VatReturns = lazy(() => import("./pages/VatReturns"));
const Scanner = lazy(() => import("./pages/Scanner"));
const Review = lazy(() => import("./pages/Review"));

/** Signed in (else to the login, and back here afterwards) and, when named, holding a permission. */
function Guard({ children, permission }: { children: ReactNode; permission?: keyof Permissions }) {
  const { me, ready, can } = useAuth();
  const location = useLocation();
  if (!ready) return <Spinner />;
  if (!me) return <Navigate to={`/login?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
  if (permission && !can(permission)) return <Navigate to="/" replace />;
  return <Suspense fallback={<Spinner />}>{children}</Suspense>;
}

export function App() {
  return (
    <LangProvider>
      <AuthProvider>
        <CompanyProvider>
          <BrowserRouter>
            <Routes>
              <Route path="/login" element={<Login />} />
              <Route element={<Guard><Layout /></Guard>}>
                <Route index element={<Navigate to="/journal" replace />} />
                <Route path="profile" element={<Guard><Profile /></Guard>} />
                <Route path="users" element={<Guard permission="manage_users"><Users /></Guard>} />
                <Route path="groups" element={<Guard permission="manage_users"><Groups /></Guard>} />
                <Route path="companies" element={<Guard><Companies /></Guard>} />
                <Route path="companies/new" element={<Guard permission="manage_companies"><CompanyForm /></Guard>} />
                <Route path="companies/:id" element={<Guard><CompanyForm /></Guard>} />
                <Route path="counterparts" element={<Guard><Counterparts /></Guard>} />
                <Route path="accounts" element={<Guard><Accounts /></Guard>} />
                <Route path="journal" element={<Guard><JournalList /></Guard>} />
                <Route path="journal/new" element={<Guard permission="post_entries"><JournalForm /></Guard>} />
                <Route path="journal/:id" element={<Guard><JournalForm /></Guard>} />
                <Route path="vat" element={<Guard permission="vat_returns"><VatReturns /></Guard>} />
                <Route path="scanner" element={<Guard permission="scanning"><Scanner /></Guard>} />
                <Route path="scanner/:id" element={<Guard permission="scanning"><Review /></Guard>} />
                <Route path="*" element={<Navigate to="/journal" replace />} />
              </Route>
            </Routes>
          </BrowserRouter>
        </CompanyProvider>
      </AuthProvider>
    </LangProvider>
  );
}
