# One image for every Latent Lab process: the API (npm start), workers (npm run worker) and the
# dashboard (the API with SERVE_DASHBOARD=true). Model weights live in a volume, never in the image.
FROM node:20-bookworm-slim
WORKDIR /app
COPY . .
# tsx runs the TypeScript sources, so dev dependencies stay installed; the db package's
# postinstall generates the Prisma client offline.
RUN npm ci && npm run build:web
ENV NODE_ENV=production
EXPOSE 4000
CMD ["npm", "start"]
